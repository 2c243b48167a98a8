package chat.config;

import java.util.OptionalInt;

/** A whole number written as text, within bounds: how settings and query parameters read theirs. */
public final class WholeNumber {

    private WholeNumber() {
    }

    /** The number, or empty when the text is no whole number or one outside {@code min..max}. */
    public static OptionalInt within(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            return value >= min && value <= max ? OptionalInt.of(value) : OptionalInt.empty();
        } catch (NumberFormatException notAnInt) {
            return OptionalInt.empty();
        }
    }
}
