package chat.users.control;

import java.util.regex.Pattern;

/** What a username may be (docs/PROTOCOL.md, "Limits"): 1–32 letters, digits, {@code _}, {@code -} or {@code .}. */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[\\p{L}\\p{Nd}_.\\-]{1,32}");

    public static boolean isValid(String name) {
        return name != null && name.codePointCount(0, name.length()) <= 32 && VALID.matcher(name).matches();
    }

    private Usernames() {
    }
}
