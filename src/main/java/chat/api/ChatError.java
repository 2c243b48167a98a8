package chat.api;

/** A refusal the client caused and can understand: turned into {@code {"message": ...}} with its status. */
public class ChatError extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public ChatError(int status, String message) {
        this(status, message, 0);
    }

    private ChatError(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429, with the seconds after which trying again may succeed. */
    public static ChatError tooManyRequests(String message, long retryAfterSeconds) {
        return new ChatError(429, message, Math.max(1, retryAfterSeconds));
    }

    /** 503: the chat cannot do this now but will shortly; try again after the given seconds. */
    public static ChatError unavailable(String message, long retryAfterSeconds) {
        return new ChatError(503, message, Math.max(1, retryAfterSeconds));
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public static ChatError badRequest(String message) {
        return new ChatError(400, message);
    }

    public static ChatError unauthorized() {
        return new ChatError(401, "Not logged in");
    }

    public static ChatError forbidden(String message) {
        return new ChatError(403, message);
    }

    public static ChatError notFound(String message) {
        return new ChatError(404, message);
    }
}
