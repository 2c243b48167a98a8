package chat.testing;

import org.redisson.api.RPatternTopic;
import org.redisson.api.redisnode.RedisMaster;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every write Redis makes to keys matching a pattern (inside scripts too), in order, as
 * {@code "key command"}, heard through keyspace notifications, which are on while this is open.
 */
public final class KeyWrites implements AutoCloseable {

    private static final String PREFIX = "__keyspace@0__:";

    private final RedisMaster redis;
    private final RPatternTopic topic;
    private final int listener;
    private final List<String> writes = new CopyOnWriteArrayList<>();

    public KeyWrites(RedisProbe probe, String keyPattern) {
        redis = probe.client().getRedisNodes(RedisNodes.SINGLE).getInstance();
        redis.setConfig("notify-keyspace-events", "KA");
        topic = probe.client().getPatternTopic(PREFIX + keyPattern, StringCodec.INSTANCE);
        listener = topic.addListener(String.class, (pattern, channel, command) -> writes.add(channel.toString().substring(PREFIX.length()) + " " + command));
    }

    public List<String> writes() {
        return List.copyOf(writes);
    }

    @Override
    public void close() {
        topic.removeListener(listener);
        redis.setConfig("notify-keyspace-events", "");
    }
}
