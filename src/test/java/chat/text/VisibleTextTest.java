package chat.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisibleTextTest {

    /** A lone accent was stored and shown as a message (found from outside): it shows only on a character before it. */
    @Test
    void blanksInvisiblesAndLoneAccentsShowNothing() {
        for (String nothing : List.of("", " \u00A0", "\u3164", "\u200B", "\u0301", "\u0301\u0301", "\u20DD", "\uFE0F")) {
            assertFalse(VisibleText.showsAnything(nothing), nothing);
        }
        for (String something : List.of("e\u0301", "\u0915\u093F", "\uD83D\uDC4D", ".", "\u2764\uFE0F")) {
            assertTrue(VisibleText.showsAnything(something), something);
        }
    }

    /** A name of "a" and 22 accents was taken as a channel name (found from outside): such stacks smear over the lines around it. */
    @Test
    void moreThanFourMarksOnOneCharacterAreATallStack() {
        for (String usual : List.of("Nguy\u1EC5n", "e\u0323\u0302", "\u0F66\u0F92\u0FB2\u0F74", "#\uFE0F\u20E3", "a\u0301\u0302\u0303\u0304")) {
            assertFalse(VisibleText.stacksTooManyMarks(usual), usual);
        }
        for (String stacked : List.of("a" + "\u0301".repeat(22), "a\u0301\u0302\u0303\u0304\u0305", "\u1EC7\u0301\u0302\u0303")) {
            assertTrue(VisibleText.stacksTooManyMarks(stacked), stacked);
        }
    }
}
