package chat.directory.control;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A name as the directory compares it: accents removed (decomposed, combining marks dropped) and
 * lower case, so "jose" finds "José" and "pablo" finds "Pablo". The browser folds the same way
 * (views/directory.js) to highlight what matched.
 */
public final class FoldedNames {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    public static String fold(String name) {
        return MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFD)).replaceAll("").toLowerCase(Locale.ROOT);
    }

    private FoldedNames() {
    }
}
