package chat.messages.entity;

/** A stored message and the exact JSON written to Redis (reused for the envelope and the frames). */
public record StoredMessage(ChatMessage message, String json) {
}
