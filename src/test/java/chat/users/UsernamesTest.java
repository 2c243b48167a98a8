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
    void aNewNameBeginsAndEndsWithALetterOrDigit() {
        for (String ok : List.of("M.ary", "mary_1", "2b-or-not-2b", "x")) {
            assertNull(Usernames.problemWithNew(ok), ok);
        }
        for (String edge : List.of("mary.", ".Mary", "Mary_", "-Mary", "_", "...", "\u0301Mary")) {
            assertEquals("Username must begin and end with a letter or digit", Usernames.problemWithNew(edge), edge);
        }
    }

    /** Letters that UTS #39 does not recommend in identifiers pass for common ones and are no confusables of them. */
    @Test
    void lettersAndDigitsOutsideCommonUseAreRefused() {
        assertEquals("Username must not contain '\u1D0D': it is not a letter or digit in common use", Usernames.problemWithNew("\u1D0Dary"));
        assertNotNull(Usernames.problemWithNew("Mary\u01C0"), "a click letter");
        assertNotNull(Usernames.problemWithNew("Mary\u20DD"), "an enclosing circle");
        // Fullwidth and mathematical letters are plain ones after NFKC, which the look-alike keys then compare.
        // Found refused from outside: letters whose marks are written apart (Indic vowel signs and viramas, Thai, an NFD accent).
        for (String ok : List.of("Müller", "Ødegård", "Сергей", "محمد", "İstanbul", "straße", "\uFF30ablo", "Pabl\uD835\uDFCE",
                "अनिल", "रवि", "தமிழ்", "রবি", "สมศักดิ์", "Rene\u0301e")) {
            assertNull(Usernames.problemWithNew(ok), ok);
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

    /** Look-alikes the confusable keys cannot catch: a Greek τ or α in a Latin word, a Cyrillic Г for a G, and accents stacked up. */
    @Test
    void wordsMixingScriptsAsLookAlikesDoAndTallStacksOfMarksAreRefused() {
        assertEquals("Username must not mix scripts within a word, as look-alike names do: 'M\u03B1ry' mixes Latin and Greek letters",
                Usernames.problemMixingScripts("M\u03B1ry"));
        assertNotNull(Usernames.problemMixingScripts("\u0413ary"));
        assertNotNull(Usernames.problemMixingScripts("\u03C4om.smith"));
        assertEquals("Username must not stack more than 4 accents or marks on one letter", Usernames.problemWithNew("Ma" + "\u0301".repeat(20) + "ry"));
        for (String ok : List.of("ivan.\u0438\u0432\u0430\u043D", "\u5C71\u7530Taro", "Nguy\u1EC5n", "\u03A3\u03BF\u03C6\u03AF\u03B1")) {
            assertNull(Usernames.problemWithNew(ok), ok);
            assertNull(Usernames.problemMixingScripts(ok), ok);
        }
    }
}
