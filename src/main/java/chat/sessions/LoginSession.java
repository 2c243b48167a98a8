package chat.sessions;

/** A login session: {@code key} names it in Redis (a hash of the cookie's token, never the token). */
public record LoginSession(String key, String userId) {
}
