package chat.api;

/** The body of every error answer. */
public record ErrorMessage(String message) {
}
