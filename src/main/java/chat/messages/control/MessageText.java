package chat.messages.control;

import chat.api.ChatError;
import chat.text.VisibleText;

/**
 * What a message's text must be, posted or edited alike: stored trimmed of blanks, no-break spaces
 * and fillers, showing something, within the length limit, and well-formed (JSON can carry an
 * unpaired surrogate, which would be stored as '?', not as sent, or a control character).
 */
final class MessageText {

    /** @return the text as it is stored; or refused with 400 ({@code whenBlank} if it shows nothing) */
    static String checked(String sent, int maxLength, String whenBlank) {
        String text = VisibleText.trim(sent);
        if (!VisibleText.showsAnything(text)) {
            throw ChatError.badRequest(whenBlank);
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw ChatError.badRequest("A message may have at most " + maxLength + " characters");
        }
        if (text.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            throw ChatError.badRequest("A message must be valid Unicode text: it holds an unpaired surrogate");
        }
        // NUL, BEL, ESC and the like: no keyboard types them, a terminal that prints the room's history obeys them,
        // and names and channel names refuse them already. Tabs and line breaks are text.
        if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL && !Character.isWhitespace(c))) {
            throw ChatError.badRequest("A message must not hold control characters (tabs and line breaks are fine)");
        }
        return text;
    }

    private MessageText() {
    }
}
