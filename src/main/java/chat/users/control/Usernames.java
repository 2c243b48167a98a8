package chat.users.control;

import chat.text.VisibleText;

import java.util.regex.Pattern;

/**
 * What a new user name may be (docs/PROTOCOL.md, "Limits"; docs/SECURITY.md, "Names"): 1–32 letters, digits, {@code _},
 * {@code -} or {@code .}, nothing invisible (fillers such as U+3164, format characters), and not
 * confusable with an existing name: two names clash when they share one of their
 * {@link chat.text.NameFolding#lookAlikeKeys look-alike keys}.
 * Existing names (the seed's servers write any) keep logging in exactly as they are.
 */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[\\p{L}\\p{Nd}_.\\-]{1,32}");

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

    private Usernames() {
    }
}
