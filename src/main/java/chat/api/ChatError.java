package chat.api;

/** A refusal the client caused and can understand: turned into {@code {"message": ...}} with its status. */
public class ChatError extends RuntimeException {

    private final int status;

    public ChatError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
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
