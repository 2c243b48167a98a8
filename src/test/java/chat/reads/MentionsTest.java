package chat.reads;

import chat.reads.control.Mentions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MentionsTest {

    @Test
    void aMentionIsTheWholeNameAfterAnAt() {
        var pablo = Mentions.of("Pablo");
        assertTrue(pablo.in("@Pablo look"));
        assertTrue(pablo.in("hi @pablo."), "case-insensitive; a sentence's full stop ends it");
        assertTrue(pablo.in("(@Pablo)"));
        assertFalse(pablo.in("@Pablo2 look"), "another, longer name");
        assertFalse(pablo.in("@Pablo.Picasso"), "a dot inside a name continues it");
        assertFalse(pablo.in("mail pablo@Pablo.org"), "not an address");
        assertFalse(pablo.in("Pablo"), "the name alone is no mention");
    }

    @Test
    void caseIsFoldedAsTheBrowserFoldsIt() {
        var sikas = Mentions.of("Sikas");
        assertTrue(sikas.in("@SIKAS"));
        assertTrue(sikas.in("@sikas"));
        assertFalse(sikas.in("@S\u0131kas"), "a dotless i is another letter in the browser's simple case folding");
        assertFalse(sikas.in("@S\u0130KAS"), "so is a dotted capital I");
        assertTrue(sikas.in("@S\u0131kas or @SiKas"), "a later mention still counts");
        assertTrue(Mentions.of("kate").in("@\u212Aate"), "the Kelvin sign folds to k");
        assertTrue(Mentions.of("\u03C3\u03BF\u03C6\u03B9\u03B1").in("@\u03A3\u039F\u03A6\u0399\u0391"), "Greek capitals");
    }

    @Test
    void namesAreMatchedLiterally() {
        assertFalse(Mentions.of("a.b").in("@axb"));
        assertTrue(Mentions.of("a.b").in("@a.b!"));
    }

    /** Found from outside: {@code @Rene\u0301e} reads as {@code @Renée} and mentioned no one; {@code @Joe\u0301} reads as {@code @Joé} and mentioned Joe. */
    @Test
    void accentsTypedApartAreTheSameLettersAndAnAccentGoesOnWithTheName() {
        assertTrue(Mentions.of("Ren\u00E9e").in("hi @Rene\u0301e"));
        assertTrue(Mentions.of("Rene\u0301e").in("hi @Ren\u00E9e"), "a name written apart too");
        assertFalse(Mentions.of("Joe").in("hi @Joe\u0301"), "that is @Jo\u00E9");
        assertFalse(Mentions.of("Joe").in("hi @Jo\u00E9"));
        assertTrue(Mentions.of("Jo\u00E9").in("hi @Joe\u0301"));
    }
}
