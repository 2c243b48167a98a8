package chat.reads;

import chat.reads.control.Mentions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MentionsTest {

    @Test
    void aMentionIsTheWholeNameAfterAnAt() {
        var pablo = Mentions.of("Pablo");
        assertTrue(pablo.matcher("@Pablo look").find());
        assertTrue(pablo.matcher("hi @pablo.").find(), "case-insensitive; a sentence's full stop ends it");
        assertTrue(pablo.matcher("(@Pablo)").find());
        assertFalse(pablo.matcher("@Pablo2 look").find(), "another, longer name");
        assertFalse(pablo.matcher("@Pablo.Picasso").find(), "a dot inside a name continues it");
        assertFalse(pablo.matcher("mail pablo@Pablo.org").find(), "not an address");
        assertFalse(pablo.matcher("Pablo").find(), "the name alone is no mention");
    }

    @Test
    void namesAreMatchedLiterally() {
        assertFalse(Mentions.of("a.b").matcher("@axb").find());
        assertTrue(Mentions.of("a.b").matcher("@a.b!").find());
    }
}
