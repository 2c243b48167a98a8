package chat.reads.control;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.Normalizer2;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a message mentions a user: {@code @name} as plain text (so the seed's clients show it
 * as typed), not inside a longer name, case-insensitive; a sentence's full stop after the name
 * still counts. The browser uses the same rule ({@code mentions} in js/text.js), whose
 * case-insensitive match is Unicode's simple case folding: so is this one's. Java's own
 * {@code UNICODE_CASE} also takes a dotless {@code ı} or a dotted {@code İ} for an {@code i}, and
 * counted mentions the page never showed. Both compare the text and the name in NFC, and a name
 * goes on through its accents: {@code @Rene\u0301e} (an accent typed apart, as some keyboards send
 * it) looks like {@code @Renée} and mentioned no one, while {@code @Joe\u0301}, which reads
 * {@code @Joé}, mentioned Joe (found from outside).
 */
public final class Mentions {

    private static final String NAME_CHAR = "[\\p{L}\\p{M}\\p{Nd}_\\-]";
    private static final Normalizer2 NFC = Normalizer2.getNFCInstance();

    private final Pattern candidates;
    private final int[] folded;

    private Mentions(String username) {
        String name = NFC.normalize(username);
        candidates = Pattern.compile("(?<![\\p{L}\\p{M}\\p{Nd}_.\\-])@(" + Pattern.quote(name)
                + ")(?!" + NAME_CHAR + "|\\." + NAME_CHAR + ")", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        folded = fold(name);
    }

    public static Mentions of(String username) {
        return new Mentions(username);
    }

    public boolean in(String text) {
        Matcher match = candidates.matcher(NFC.normalize(text));
        while (match.find()) {
            if (Arrays.equals(folded, fold(match.group(1)))) {
                return true;
            }
        }
        return false;
    }

    private static int[] fold(String name) {
        return name.codePoints().map(c -> UCharacter.foldCase(c, UCharacter.FOLD_CASE_DEFAULT)).toArray();
    }
}
