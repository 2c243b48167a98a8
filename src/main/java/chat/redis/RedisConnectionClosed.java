package chat.redis;

/**
 * One of the node's connections to Redis closed, not for being idle: whatever waited for a reply on it gets none.
 * Unlike {@link RedisDisconnected}, which Redisson tells once until a connection to that address opens again, this
 * is told for every connection, so a wait on the second or third of several connections closed at once ends too.
 */
public record RedisConnectionClosed() {
}
