package chat.rooms.entity;

/**
 * Fired (as a CDI event) after a channel or its membership changed in Redis; the real-time
 * layer announces it to the members on every node (docs/PROTOCOL.md, "Channel events").
 *
 * @param channel  the channel as it is now
 * @param userId   who joined or left (null for {@link Kind#UPDATED})
 * @param username that user's name (null for {@link Kind#UPDATED})
 * @param by       who made the change: the user themselves, an inviter, or the creator who removed them
 */
public record ChannelChange(Kind kind, Channel channel, String userId, String username, String by) {

    public enum Kind {
        UPDATED, JOINED, LEFT
    }
}
