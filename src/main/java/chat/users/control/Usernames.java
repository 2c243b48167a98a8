package chat.users.control;

import chat.text.VisibleText;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

import java.util.regex.Pattern;

/**
 * What a new user name may be (docs/PROTOCOL.md, "Limits"; docs/SECURITY.md, "Names"): 1–32 letters, digits, {@code _},
 * {@code -} or {@code .}, nothing invisible (fillers such as U+3164, format characters), and not
 * confusable with an existing name: two names clash when their {@link #skeleton}s are equal.
 * Existing names (the seed's servers write any) keep logging in exactly as they are.
 */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[\\p{L}\\p{Nd}_.\\-]{1,32}");
    /** Immutable once built, and safe to share between threads. */
    private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
    private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();

    /** Why the name cannot be registered, or null. */
    public static String problemWithNew(String name) {
        if (name == null || name.codePointCount(0, name.length()) > 32 || !VALID.matcher(name).matches()) {
            return "Username must be 1 to 32 letters, digits, '_', '-' or '.'";
        }
        if (name.codePoints().anyMatch(VisibleText::isInvisible)) {
            return "Username must not contain invisible characters";
        }
        return null;
    }

    /**
     * The name as compared with others: Unicode case folding and NFKC (so {@code PABLO}, fullwidth
     * and mathematical bold letters meet {@code pablo}), then the UTS #39 confusable skeleton (so
     * Cyrillic {@code Pаblo} meets Latin {@code Pablo}), folded again since skeletons use capitals
     * ({@code 0} becomes {@code O}).
     */
    public static String skeleton(String name) {
        return NFKC_CASEFOLD.normalize(SPOOF.getSkeleton(NFKC_CASEFOLD.normalize(name)));
    }

    private Usernames() {
    }
}
