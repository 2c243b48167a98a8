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
}
