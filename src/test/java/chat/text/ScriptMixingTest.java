package chat.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ScriptMixingTest {

    /** A Greek τ is no UTS #39 confusable of t, so {@code design-τeam} passed every look-alike key (found from outside). */
    @Test
    void aWordMixingLatinWithGreekOrCyrillicIsNamedWithItsScripts() {
        assertEquals("'\u03C4eam' mixes Greek and Latin letters", ScriptMixing.problem("design-\u03C4eam"));
        assertEquals("'\u0413ary' mixes Cyrillic and Latin letters", ScriptMixing.problem("\u0413ary"));
        assertEquals("'M\u03B1ry' mixes Latin and Greek letters", ScriptMixing.problem("M\u03B1ry"));
        assertEquals("'1\u06623' mixes digits of different numbering systems", ScriptMixing.problem("team 1\u06623"));
    }

    @Test
    void wordsOfOneScriptAndTheWaysLanguagesMixScriptsPass() {
        for (String name : List.of("design-team", "Team \u0395\u03BB\u03BB\u03AC\u03B4\u03B1", "\u0418\u0432\u0430\u043D", "ivan.\u0438\u0432\u0430\u043D",
                "\u5C71\u7530Taro", "\u65E5\u672C\u8A9E\u30C6\u30B9\u30C8", "Jos\u00E9", "\u0938\u092E\u0942\u0939 team", "abc\u0905\u0928\u093F\u0932",
                "\uD83D\uDE80launch", "\uD83D\uDC68\u200D\uD83D\uDCBB devs", "#\uFE0F\u20E3", "3D", "\u03A3\u03BF\u03C6\u03AF\u03B11", "stra\u00DFe")) {
            assertNull(ScriptMixing.problem(name), name);
        }
    }
}
