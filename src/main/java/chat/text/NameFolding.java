package chat.text;

import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How names are folded before they are compared, in one place: for finding users (the directory,
 * {@code chat:directory}) and for telling look-alikes apart (the claims {@code chat:username-skeleton:*}
 * that a new user name must not share with another user, and a channel name's in {@code chat:channel-names}). The two answer different questions, so they
 * differ: search folds away only case and accents, in step with the browser (views/directory.js);
 * look-alikes fold everything UTS #39 calls confusable (docs/SECURITY.md, "Names").
 */
public final class NameFolding {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    /**
     * The combining marks that are accents (the Combining Diacritical Marks blocks), not every mark:
     * Indic and Thai vowel signs are marks too, and without them "राम" and "रमा" (Ram, Rama) met.
     */
    private static final Pattern ACCENTS = Pattern.compile("[\\u0300-\\u036F\\u1AB0-\\u1AFF\\u1DC0-\\u1DFF\\u20D0-\\u20FF\\uFE20-\\uFE2F]+");
    /**
     * What stands between words: blanks, dashes, connectors ({@code _}) and dots. A name's keys are also
     * taken with them left out: {@code design team}, {@code design_team}, {@code designteam} and
     * {@code design—team} (an em dash) sat beside {@code design-team} (found from outside), and
     * {@code joe.smith} would beside {@code joe_smith}.
     */
    static final Pattern BETWEEN_WORDS = Pattern.compile("[\\p{Z}\\s\\p{Pd}\\p{Pc}.\\u00B7\\u2027\\u30FB]+");
    /** Immutable once built, and safe to share between threads. */
    private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
    private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();

    /** Accents removed (decomposed, combining marks dropped) and lower case: "jose" finds "José", "pablo" finds "Pablo". */
    public static String forSearch(String name) {
        return withoutMarks(name).toLowerCase(Locale.ROOT);
    }

    /**
     * The keys a name is compared by; two names are look-alikes when they share one. First Unicode
     * case folding with NFKC ({@code PABLO}, fullwidth and mathematical bold letters meet
     * {@code pablo}), then the UTS #39 confusable skeleton ({@code Pаblo} with a Cyrillic а,
     * {@code Pab1o}, {@code Pabl0}), folded again since skeletons keep capitals. Case folding first
     * turns a capital I into an i, which looks like no l; so a second key takes the skeleton of the
     * name as written (ICU's skeleton maps I, like 1 and |, to l: {@code PabIo} meets {@code Pablo})
     * and then folds case. One key cannot do both: {@code Ian} looks like {@code ian} and {@code lan},
     * which do not look alike. Accents (combining marks) are dropped before and after the skeleton,
     * which keeps them (accents only: Indic and Thai vowel signs are marks that make other names): a name both confusable and accented ({@code Pаbló} with a Cyrillic а, or an
     * {@code і} with a dot above beside {@code Alice}) met neither the skeleton's key nor the rule for
     * names differing only in accents (found from outside), and a claim taken atomically also keeps
     * two names that differ only in accents from being registered at the same moment. Both keys are
     * also taken of the name without what stands between its words ({@link #BETWEEN_WORDS}).
     */
    public static Set<String> lookAlikeKeys(String name) {
        Set<String> keys = new LinkedHashSet<>();
        String written = NFKC.normalize(name);
        String joined = BETWEEN_WORDS.matcher(written).replaceAll("");
        // A name with nothing between its words (most) is folded once, not twice for the same keys.
        for (String form : joined.isEmpty() || joined.equals(written) ? List.of(name) : List.of(name, joined)) {
            keys.add(withoutAccents(NFKC_CASEFOLD.normalize(SPOOF.getSkeleton(withoutAccents(NFKC_CASEFOLD.normalize(form))))));
            keys.add(withoutAccents(NFKC_CASEFOLD.normalize(SPOOF.getSkeleton(withoutAccents(NFKC.normalize(form))))));
        }
        return keys;
    }

    /** Decomposed, combining marks dropped. */
    private static String withoutMarks(String text) {
        return MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    }

    /** Decomposed, accents dropped. */
    private static String withoutAccents(String text) {
        return ACCENTS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    }

    private NameFolding() {
    }
}
