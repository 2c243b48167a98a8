package chat.rooms.control;

import chat.api.ChatError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a channel may be called, and its kind (docs/PROTOCOL.md, "Channels"). */
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
    void emptyLongInvisibleAndControlNamesAreRefused() {
        for (String bad : List.of("", "   ", "#", "x".repeat(81), "🎉".repeat(81), "bell\u0007", "rtl\u202Eevil",
                "zero\u200Bwidth")) {
            ChatError refused = assertThrows(ChatError.class, () -> Channels.validName(bad), bad);
            assertEquals(400, refused.status());
        }
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validName(null)).status());
    }

    @Test
    void kindIsPublicUnlessPrivateIsAsked() {
        assertEquals("public", Channels.validKind(null));
        assertEquals("private", Channels.validKind("private"));
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validKind("secret")).status());
        assertEquals(400, assertThrows(ChatError.class, () -> Channels.validKind("PRIVATE")).status());
    }
}
