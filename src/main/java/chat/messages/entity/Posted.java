package chat.messages.entity;

/**
 * The answer to a post: the stored message, and whether it had been stored before (a retry with
 * the same client message id, answered with the original instead of storing it again).
 */
public record Posted(StoredMessage stored, boolean duplicate) {
}
