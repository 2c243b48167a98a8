package chat.redis;

/**
 * One of the node's connections to Redis closed (Redisson reconnects by itself). It may have been
 * the pub/sub connection: whoever listens on a channel checks that it still hears.
 */
public record RedisDisconnected(String address) {
}
