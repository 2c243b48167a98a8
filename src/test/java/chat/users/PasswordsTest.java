package chat.users;

import chat.users.control.Passwords;
import chat.users.control.Usernames;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {

    @Test
    void hashesAtCostTenWithThe2aLabel() {
        String hash = Passwords.hash("password123");
        assertTrue(hash.startsWith("$2a$10$"), hash);
        assertTrue(Passwords.matches("password123", hash));
        assertFalse(Passwords.matches("password124", hash));
    }

    @Test
    void verifiesTheSeedNodeServers2bHashes() {
        String seedHash = "$2b$" + BCrypt.hashpw("secret", BCrypt.gensalt(10)).substring(4);
        assertTrue(Passwords.matches("secret", seedHash));
        assertFalse(Passwords.matches("Secret", seedHash));
        assertTrue(Passwords.matches("secret", "$2y$" + seedHash.substring(4)));
    }

    @Test
    void aMalformedStoredHashNeverMatches() {
        assertFalse(Passwords.matches("x", "not-a-hash"));
        assertFalse(Passwords.matches("x", null));
    }

    @Test
    void passwordsAreOneTo72BytesOfUtf8() {
        assertEquals("Password must not be empty", Passwords.problem(""));
        assertNull(Passwords.problem("a".repeat(72)));
        assertEquals("Password must be at most 72 bytes", Passwords.problem("a".repeat(73)));
        assertEquals("Password must be at most 72 bytes", Passwords.problem("é".repeat(37))); // 74 bytes
    }

    @Test
    void usernamesAreLettersDigitsAndAFewMarks() {
        assertTrue(Usernames.isValid("Pablo"));
        assertTrue(Usernames.isValid("jo.smith-2_x"));
        assertTrue(Usernames.isValid("José"));
        assertTrue(Usernames.isValid("a".repeat(32)));
        assertFalse(Usernames.isValid("a".repeat(33)));
        assertFalse(Usernames.isValid(""));
        assertFalse(Usernames.isValid("two words"));
        assertFalse(Usernames.isValid("<img src=x>"));
        assertFalse(Usernames.isValid("a:b"));
    }
}
