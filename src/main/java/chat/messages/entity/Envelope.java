package chat.messages.entity;

import jakarta.json.JsonObject;

/**
 * One event on the seed's {@code MESSAGES} channel, as read by {@link MessageCodec#parseEnvelope}.
 *
 * @param serverId the publishing node (ours or a seed server)
 * @param data     the event's data (null when absent or not an object)
 * @param sentAt   our nodes' publish time in epoch milliseconds; null in the seed's envelopes
 * @param logged   also in our message log, where our nodes read it (only our nodes set it)
 */
public record Envelope(String serverId, String type, JsonObject data, Long sentAt, boolean logged) {
}
