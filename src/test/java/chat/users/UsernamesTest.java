package chat.users;

import chat.users.control.Usernames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class UsernamesTest {

    @Test
    void newNamesAreLettersDigitsAndAFewMarks() {
        for (String ok : List.of("Pablo", "jo.smith-2_x", "José", "a".repeat(32), "Łukasz", "山田")) {
            assertNull(Usernames.problemWithNew(ok), ok);
        }
        for (String bad : List.of("a".repeat(33), "", "two words", "<img src=x>", "a:b")) {
            assertNotNull(Usernames.problemWithNew(bad), bad);
        }
    }

    @Test
    void invisibleFillerAndFormatCharactersAreRefused() {
        for (String sneaky : List.of("Pablo\u3164", "\u3164Pablo", "Pa\u115Fblo", "Pablo\uFFA0")) {
            assertEquals("Username must not contain invisible characters", Usernames.problemWithNew(sneaky), sneaky);
        }
        for (String sneaky : List.of("Pa\u200Bblo", "Pablo\u00A0", "Pablo\u2060", "Pa\u00ADblo", "Pablo\u202E")) {
            assertNotNull(Usernames.problemWithNew(sneaky), sneaky);
        }
    }
}
