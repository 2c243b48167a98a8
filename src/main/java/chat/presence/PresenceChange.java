package chat.presence;

import chat.users.entity.User;

/**
 * A user came online (first socket on any node) or went offline (last socket gone, or their
 * node's lease lapsed). Fired by {@link Presence}; the real-time layer turns it into the
 * {@code user.connected} / {@code user.disconnected} event (docs/PROTOCOL.md, "WebSocket").
 */
public record PresenceChange(User user, boolean online) {
}
