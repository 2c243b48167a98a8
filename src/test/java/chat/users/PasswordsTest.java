package chat.users;

import chat.users.control.Passwords;
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

    /** bcrypt keys with the password's bytes, a NUL, and so on again: with a NUL in it, several passwords are one. */
    @Test
    void aPasswordWithANulIsRefusedAsNewAndAtLogin() {
        assertTrue(Passwords.matches("ab", Passwords.hash("ab\0ab\0ab")), "what the rule prevents");
        assertEquals("Password must not contain the NUL character", Passwords.problemWithNew("ab\0ab\0ab", 8));
        assertEquals("Password must not contain the NUL character", Passwords.problem("password123\0password123"));
    }

    /** Each half of a surrogate pair alone is '?' in UTF-8: all such passwords were one, and not what was typed. */
    @Test
    void aPasswordWithAnUnpairedSurrogateIsRefused() {
        assertTrue(Passwords.matches("????????", Passwords.hash("\ud800".repeat(8))), "what the rule prevents");
        assertEquals("Password must be valid Unicode text: it holds an unpaired surrogate", Passwords.problemWithNew("\ud800".repeat(8), 8));
        assertEquals("Password must be valid Unicode text: it holds an unpaired surrogate", Passwords.problem("secret\udfff"));
        assertNull(Passwords.problemWithNew("\uD83D\uDE00".repeat(8), 8), "paired: an emoji is fine");
    }

    @Test
    void newPasswordsNeedEightCharactersExistingOnesAnyLength() {
        assertNull(Passwords.problem("pw"), "an existing short password can still be checked");
        assertEquals("Password must have at least 8 characters", Passwords.problemWithNew("seven77", 8));
        assertNull(Passwords.problemWithNew("eight888", 8));
        assertEquals("Password must have at least 8 characters", Passwords.problemWithNew("ééééééé", 8), "characters, not bytes");
        assertEquals("Password must be at most 72 bytes", Passwords.problemWithNew("a".repeat(73), 8));
    }
}
