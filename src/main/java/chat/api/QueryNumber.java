package chat.api;

import chat.config.WholeNumber;

/** A whole number from a query parameter, within its bounds: 400 with one message for anything else. */
public final class QueryNumber {

    private QueryNumber() {
    }

    /** {@code text} as a number from {@code min} to {@code max}; {@code defaultValue} when the parameter is absent. */
    public static int parse(String name, String text, int defaultValue, int min, int max) {
        if (text == null) {
            return defaultValue;
        }
        return WholeNumber.within(text, min, max).orElseThrow(
                () -> ChatError.badRequest("'" + name + "' must be a whole number from " + min + " to " + max));
    }
}
