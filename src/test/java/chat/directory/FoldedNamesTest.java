package chat.directory;

import chat.directory.control.FoldedNames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FoldedNamesTest {

    @Test
    void caseAndAccentsDoNotCount() {
        assertEquals("jose", FoldedNames.fold("José"));
        assertEquals("pablo", FoldedNames.fold("PABLO"));
        assertEquals("zoe.o-1", FoldedNames.fold("Zoë.Ö-1"));
        assertEquals("ǆ", FoldedNames.fold("ǅ"), "title-case digraphs lower too");
    }
}
