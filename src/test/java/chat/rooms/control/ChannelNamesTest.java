package chat.rooms.control;

import chat.api.ChatError;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a channel may be called, which names look alike, and its kind (docs/PROTOCOL.md, "Channels"). */
class ChannelNamesTest {

    @Test
    void namesAreTrimmedWithoutALeadingHashAndWithSingleSpaces() {
        assertEquals("design reviews", Channels.validName("  #design   reviews "));
        assertEquals("Überall 🎉", Channels.validName("Überall 🎉"));
        assertEquals("x".repeat(80), Channels.validName("x".repeat(80)));
        assertEquals("line break", Channels.validName("line\n\tbreak"), "white space of any kind becomes one space");
        assertEquals(80, Channels.validName("🎉".repeat(80)).codePointCount(0, 160), "80 characters, not 80 UTF-16 units");
    }

    @Test
    void blanksOfEveryKindBecomeOneSpaceAndEmojiKeepTheirVariationSelectors() {
        assertEquals("design reviews", Channels.validName("design\u00A0reviews"), "no-break space");
        assertEquals("design reviews", Channels.validName("\u3000design\u2003 reviews\u202F"), "ideographic, em and narrow spaces");
        assertEquals("\u2764\uFE0F club", Channels.validName("\u2764\uFE0F club"));
    }

    @Test
    void emojiJoinedByZeroWidthJoinersAreOnePictureNotHiddenText() {
        for (String joined : List.of("\uD83D\uDC68\u200D\uD83D\uDCBB devs", "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08 pride",
                "\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDD2C lab", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family")) {
            assertEquals(joined, Channels.validName(joined));
        }
        String england = new String(Character.toChars(0x1F3F4)) + tags("gbeng");
        for (String shown : List.of(england + " fans", "#\uFE0F\u20E3 hash", "#\u20E3")) {
            assertEquals(shown, Channels.validName(shown), "a tagged flag, a keycap #: their # is no channel sign");
        }
        assertEquals("#\uFE0F\u20E3", Channels.validName("##\uFE0F\u20E3"));
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validName("hidden" + tags("gbeng"))).status(), "tags alone");
        for (String hidden : List.of("a\u200Db", "\uD83D\uDC68\u200D", "\u200D\uD83D\uDCBB", "\uD83D\uDC68\u200D\uD83D\uDCBB\u200D",
                "\uD83D\uDC68\u200D\u200D\uD83D\uDCBB", "\uD83C\uDF89\u200D\uD83C\uDF89")) {
            assertEquals(400, assertThrows(ChatError.class, () -> Channels.validName(hidden), hidden).status(), hidden);
        }
    }

    @Test
    void emptyLongInvisibleAndControlNamesAreRefused() {
        for (String bad : List.of("", "   ", "#", "x".repeat(81), "🎉".repeat(81), "bell\u0007", "rtl\u202Eevil",
                "zero\u200Bwidth", "design\u3164", "\u3164", "braille\u2800blank", "soft\u00ADhyphen", "\u115F\u1160", "\uFE0F", "\u0301",
                "\u20DD \u0301", "lone\uD800surrogate")) {
            ChatError refused = assertThrows(ChatError.class, () -> Channels.validName(bad), bad);
            assertEquals(400, refused.status());
        }
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validName(null)).status());
    }

    @Test
    void lookAlikesShareAFieldAndDifferentNamesDoNot() {
        Set<String> design = ChannelNames.fields("design");
        for (String lookAlike : List.of("Design", "DESIGN", "d\u0435sign", "desi\u0261n", "\uFF44\uFF45\uFF53\uFF49\uFF47\uFF4E",
                "\uD835\uDC1D\uD835\uDC1E\uD835\uDC2C\uD835\uDC22\uD835\uDC20\uD835\uDC27")) {
            assertFalse(Collections.disjoint(design, ChannelNames.fields(lookAlike)), lookAlike);
        }
        assertFalse(Collections.disjoint(ChannelNames.fields("payroll"), ChannelNames.fields("PayroIl")), "a capital I for an l");
        assertFalse(Collections.disjoint(ChannelNames.fields("team 1"), ChannelNames.fields("team l")));
        for (String other : List.of("designs", "design 2", "resign", "dezign")) {
            assertTrue(Collections.disjoint(design, ChannelNames.fields(other)), other);
        }
    }

    /** Found from outside: {@code design-τeam} (a Greek τ) and {@code a} with 22 accents were taken as channel names. */
    @Test
    void wordsMixingScriptsAsLookAlikesDoAndTallStacksOfMarksAreRefused() {
        ChatError mixed = assertThrows(ChatError.class, () -> Channels.validName("design-\u03C4eam"));
        assertEquals(400, mixed.status());
        assertTrue(mixed.getMessage().contains("'\u03C4eam' mixes Greek and Latin letters"), mixed.getMessage());
        ChatError stacked = assertThrows(ChatError.class, () -> Channels.validName("a" + "\u0301".repeat(22)));
        assertEquals(400, stacked.status());
        assertEquals("Team \u0395\u03BB\u03BB\u03AC\u03B4\u03B1", Channels.validName("Team \u0395\u03BB\u03BB\u03AC\u03B4\u03B1"), "one script in each word");
        // Re-attacked from outside: Latin small capitals are Latin and no confusables of the letters they pass for.
        for (String smallCapital : List.of("\u1D1Beam-photo", "team-\u1D18hoto", "\u1D1B\u1D07\u1D00\u1D0D")) {
            ChatError refused = assertThrows(ChatError.class, () -> Channels.validName(smallCapital), smallCapital);
            assertTrue(refused.getMessage().contains("is not a letter in common use"), refused.getMessage());
        }
        for (String common : List.of("Tiếng Việt", "हिन्दी टीम", "山田チーム", "Команда", "café ☕", "ｄｅｓｉｇｎ", "Ⅻ club")) {
            assertEquals(common, Channels.validName(common));
        }
    }

    @Test
    void kindIsPublicUnlessPrivateIsAsked() {
        assertEquals("public", Channels.validKind(null));
        assertEquals("private", Channels.validKind("private"));
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validKind("secret")).status());
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validKind("PRIVATE")).status());
    }

    /** Tag characters spelling the text, and the cancel tag: what follows a black flag in England's and Scotland's flags. */
    private static String tags(String text) {
        StringBuilder tags = new StringBuilder();
        text.codePoints().forEach(c -> tags.appendCodePoint(0xE0000 + c));
        return tags.appendCodePoint(0xE007F).toString();
    }
}
