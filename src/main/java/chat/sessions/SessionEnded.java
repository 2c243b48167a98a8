package chat.sessions;

/** CDI event: a session was ended by logout; its sockets must close on every node. */
public record SessionEnded(String sessionKey, String userId) {
}
