package chat.users.control;

import chat.text.ScriptMixing;
import chat.text.VisibleText;

import java.util.regex.Pattern;

/**
 * What a new user name may be (docs/PROTOCOL.md, "Limits"; docs/SECURITY.md, "Names"): 1–32 letters (with their
 * marks), digits, {@code _}, {@code -} or {@code .}, beginning and ending with a letter or digit ({@code mary.} and {@code _Mary} read as
 * {@code Mary} in a sentence), its letters and digits after NFKC from UTS #39's recommended identifier
 * characters (no {@code ᴍ} small capital or {@code ǀ} click letter, which pass for {@code M} and {@code l} and are
 * no confusables of them; fullwidth and mathematical letters become plain ones and meet the look-alike
 * check), nothing invisible (fillers such as U+3164, format characters), no tall stacks of marks, not
 * confusable with an existing name: two names clash when they share one of their
 * {@link chat.text.NameFolding#lookAlikeKeys look-alike keys}, and no word mixing scripts as look-alikes do
 * ({@link #problemMixingScripts}: {@code Mαry} with a Greek α).
 * Existing names (the seed's servers write any) keep logging in exactly as they are.
 */
public final class Usernames {

    /** Letters with their marks: Devanagari's vowel signs and viramas, Thai's tone marks, an accent typed apart (NFD). */
    private static final Pattern VALID = Pattern.compile("[\\p{L}\\p{M}\\p{Nd}_.\\-]{1,32}");
    /** The last letter may carry a mark (रवि ends with a vowel sign); a mark cannot come first. */
    private static final Pattern LETTER_OR_DIGIT_AT_BOTH_ENDS = Pattern.compile("[\\p{L}\\p{Nd}](?:.*[\\p{L}\\p{M}\\p{Nd}])?");

    /** Why the name cannot be registered, or null. */
    public static String problemWithNew(String name) {
        if (name == null || name.codePointCount(0, name.length()) > 32 || !VALID.matcher(name).matches()) {
            return "Username must be 1 to 32 letters, digits, '_', '-' or '.'";
        }
        if (name.codePoints().anyMatch(VisibleText::isInvisible)) {
            return "Username must not contain invisible characters";
        }
        if (!LETTER_OR_DIGIT_AT_BOTH_ENDS.matcher(name).matches()) {
            return "Username must begin and end with a letter or digit";
        }
        int uncommon = ScriptMixing.firstUncommon(name, c -> "_.-".indexOf(c) < 0);
        if (uncommon >= 0) {
            return "Username must not contain '" + Character.toString(uncommon) + "': it is not a letter or digit in common use";
        }
        if (VisibleText.stacksTooManyMarks(name)) {
            return "Username must not stack more than " + VisibleText.MOST_MARKS_ON_A_CHARACTER + " accents or marks on one letter";
        }
        return null;
    }

    /**
     * Why a new name that looks like no existing one is still refused, or null: a word mixing scripts as
     * look-alikes do. Judged after the look-alike keys, so that {@code Pаblo} with a Cyrillic а is told
     * whose name it imitates.
     */
    public static String problemMixingScripts(String name) {
        String mixing = ScriptMixing.problem(name);
        return mixing == null ? null : "Username must not mix scripts within a word, as look-alike names do: " + mixing;
    }

    private Usernames() {
    }
}
