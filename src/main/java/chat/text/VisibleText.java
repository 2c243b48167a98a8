package chat.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;

/**
 * What shows on screen: blanks of every kind (no-break spaces included), Hangul fillers (U+3164)
 * and invisible format characters (U+200B) do not. Names and messages are judged by it.
 */
public final class VisibleText {

    /**
     * The most accents or marks a name may stack on one character, counted decomposed: Vietnamese
     * needs two (ệ), a Tibetan stack three or four; twenty ("Zalgo" text) smear over the lines above
     * and below a name wherever it is listed.
     */
    public static final int MOST_MARKS_ON_A_CHARACTER = 4;

    private static final Normalizer2 NFD = Normalizer2.getNFDInstance();

    /** Without leading and trailing blanks, fillers and format characters (emoji variation selectors stay). */
    public static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isBlankOrFormat(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && isBlankOrFormat(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    /** Something that shows by itself: not only blanks, invisibles or accents (a combining mark shows on the character before it). */
    public static boolean showsAnything(String text) {
        return text.codePoints().anyMatch(c -> !isInvisible(c) && !isCombiningMark(c));
    }

    /** An accent or variation selector: it shows only on the character before it. */
    public static boolean isCombiningMark(int c) {
        int type = UCharacter.getType(c);
        return type == UCharacter.NON_SPACING_MARK || type == UCharacter.ENCLOSING_MARK;
    }

    /** More than {@link #MOST_MARKS_ON_A_CHARACTER} combining marks in a row, decomposed. */
    public static boolean stacksTooManyMarks(String text) {
        int inARow = 0;
        for (int c : NFD.normalize(text).codePoints().toArray()) {
            inARow = isCombiningMark(c) ? inARow + 1 : 0;
            if (inARow > MOST_MARKS_ON_A_CHARACTER) {
                return true;
            }
        }
        return false;
    }

    /** Shows nothing by itself: blank, filler, format, control or default-ignorable. */
    public static boolean isInvisible(int c) {
        return isBlankOrFormat(c) || UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
    }

    private static boolean isBlankOrFormat(int c) {
        int type = UCharacter.getType(c);
        return UCharacter.isUWhiteSpace(c) || type == UCharacter.FORMAT || type == UCharacter.CONTROL
                || c == 0x2800 // braille blank
                || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0; // Hangul fillers
    }

    private VisibleText() {
    }
}
