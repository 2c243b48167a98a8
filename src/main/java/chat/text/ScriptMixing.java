package chat.text;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Words that mix scripts the way look-alikes do (docs/SECURITY.md, "Names"). The confusable skeleton
 * catches {@code dеsign} with a Cyrillic е, but UTS #39's data holds no confusable for a Greek τ, so
 * {@code design-τeam} sat beside {@code design-team} (found from outside). A new name follows UTS #39's
 * "moderately restrictive" level (section 5.2) word by word, so that {@code Team Ελλάδα} stays a name:
 * Latin may join one other script, but not Cyrillic or Greek; Han goes with Hiragana and Katakana,
 * Hangul or Bopomofo as Japanese, Korean and Chinese are written; and a word's digits are of one
 * numbering system ({@code 1٢3} is not).
 */
public final class ScriptMixing {

    /** Immutable once built, and safe to share between threads. */
    private static final SpoofChecker MIXES_LIKE_LOOK_ALIKES = new SpoofChecker.Builder()
            .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS)
            .setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE)
            .build();
    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();

    /**
     * The first of the name's characters, after NFKC, among those {@code judged}, that UTS #39 does not recommend in
     * identifiers ({@code SpoofChecker.RECOMMENDED}: a small capital {@code ᴛ} passes for a {@code t} and is no
     * confusable of it), or -1.
     */
    public static int firstUncommon(String name, IntPredicate judged) {
        return NFKC.normalize(name).codePoints().filter(c -> judged.test(c) && !SpoofChecker.RECOMMENDED.contains(c)).findFirst().orElse(-1);
    }

    /** How the first such word of the name mixes its scripts or digits ("'τeam' mixes Greek and Latin letters"), or null. */
    public static String problem(String name) {
        for (String word : NameFolding.BETWEEN_WORDS.split(name)) {
            SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
            if (MIXES_LIKE_LOOK_ALIKES.failsChecks(word, result)) {
                return (result.checks & SpoofChecker.MIXED_NUMBERS) != 0
                        ? "'" + word + "' mixes digits of different numbering systems"
                        : "'" + word + "' mixes " + scripts(word) + " letters";
            }
        }
        return null;
    }

    private static String scripts(String word) {
        Set<String> names = new LinkedHashSet<>();
        word.codePoints().map(UScript::getScript)
                .filter(script -> script != UScript.COMMON && script != UScript.INHERITED)
                .forEach(script -> names.add(UScript.getName(script)));
        String all = names.stream().collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " and " + all.substring(last + 2);
    }

    private ScriptMixing() {
    }
}
