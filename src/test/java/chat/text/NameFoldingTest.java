package chat.text;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameFoldingTest {

    @Test
    void searchIgnoresCaseAndAccents() {
        assertEquals("jose", NameFolding.forSearch("José"));
        assertEquals("pablo", NameFolding.forSearch("PABLO"));
        assertEquals("zoe.o-1", NameFolding.forSearch("Zoë.Ö-1"));
        assertEquals("ǆ", NameFolding.forSearch("ǅ"), "title-case digraphs lower too");
    }

    @Test
    void lookAlikesShareAKey() {
        for (String lookAlike : List.of("pablo", "PABLO", "P\u0430blo" /* Cyrillic a */, "Ｐａｂｌｏ" /* fullwidth */,
                "\uD835\uDC0F\uD835\uDC1A\uD835\uDC1B\uD835\uDC25\uD835\uDC28" /* mathematical bold */, "Pab1o", "Pabl0", "Pabl\u043E",
                "PabIo" /* capital i */, "PABIO", "Pab|o")) {
            assertTrue(shareAKey("Pablo", lookAlike), lookAlike);
        }
        assertFalse(shareAKey("Pablo", "Pedro"));
        assertFalse(shareAKey("Joe", "Jo"));
        assertFalse(shareAKey("Pablo", "pabio"), "a small i is no l");
    }

    /** Found from outside: each was registered beside the name it imitates. */
    @Test
    void lookAlikesWithAccentsShareAKeyWithTheNameTheyImitate() {
        assertTrue(shareAKey("Pablo", "P\u0430bló"), "Cyrillic a and an acute");
        assertTrue(shareAKey("Mary", "M\u0430rÿ"));
        assertTrue(shareAKey("Alex", "Al\u0435x\u0301"));
        assertTrue(shareAKey("Joe", "J\u03bfé"), "Greek omicron");
        assertTrue(shareAKey("Joe", "Jo\u0451"), "Cyrillic yo");
        assertTrue(shareAKey("Alice", "Al\u0456\u0307ce"), "Cyrillic i with a dot above");
        assertTrue(shareAKey("Alice", "\u0410lice\u0307"));
        assertTrue(shareAKey("Pablo", "PabIó"), "capital i and an acute");
        assertTrue(shareAKey("Kalle", "Källe"), "accents alone too, claimed atomically");
        assertFalse(shareAKey("Alice", "Alina"));
    }

    /** Vowel signs are marks, not accents: these are other names (the first two: Ram and Rama, Kiran and Karan). */
    @Test
    void vowelSignsAreNoAccents() {
        assertFalse(shareAKey("राम", "रमा"));
        assertFalse(shareAKey("किरण", "करण"));
        assertFalse(shareAKey("ครู", "คร"));
    }

    /** Ian looks like ian and like lan, which do not look alike: one key per name could not say so. */
    @Test
    void aCapitalIMeetsBothItsLowerCaseAndAnL() {
        assertTrue(shareAKey("Ian", "ian"));
        assertTrue(shareAKey("Ian", "lan"));
        assertTrue(shareAKey("IAN", "lan"));
        assertFalse(shareAKey("ian", "lan"));
    }

    /** design team, design_team, designteam and design—team sat beside design-team (found from outside). */
    @Test
    void namesThatDifferOnlyInWhatStandsBetweenTheirWordsShareAKey() {
        for (String lookAlike : List.of("design team", "design_team", "designteam", "design\u2014team", "design\u2013team",
                "Design.Team", "design \u00B7 team", "design\uFF3Fteam", "d\u0435sign-team")) {
            assertTrue(shareAKey("design-team", lookAlike), lookAlike);
        }
        assertTrue(shareAKey("joe.smith", "joesmith"));
        assertTrue(shareAKey("joe.smith", "Joe_Smith"));
        assertTrue(shareAKey("Pab-lo", "Pablo"));
        assertFalse(shareAKey("design-team", "design-teams"));
        assertFalse(shareAKey("joe.smith", "joe.smyth"));
        assertFalse(shareAKey("ian", "l-an"), "joined, still no look-alike of what it was not before");
        assertFalse(NameFolding.lookAlikeKeys("- -").contains(""), "nothing but separators: the keys of the name as it is");
    }

    private static boolean shareAKey(String a, String b) {
        Set<String> keys = new java.util.HashSet<>(NameFolding.lookAlikeKeys(a));
        keys.retainAll(NameFolding.lookAlikeKeys(b));
        return !keys.isEmpty();
    }
}
