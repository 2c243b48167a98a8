package chat.reads.control;

import java.util.regex.Pattern;

/**
 * Whether a message mentions a user: {@code @name} as plain text (so the seed's clients show it
 * as typed), not inside a longer name, case-insensitive; a sentence's full stop after the name
 * still counts. The browser uses the same rule ({@code mentions} in js/text.js).
 */
public final class Mentions {

    private static final String NAME_CHAR = "[\\p{L}\\p{Nd}_\\-]";

    public static Pattern of(String username) {
        return Pattern.compile("(?<![\\p{L}\\p{Nd}_.\\-])@" + Pattern.quote(username)
                + "(?!" + NAME_CHAR + "|\\." + NAME_CHAR + ")", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private Mentions() {
    }
}
