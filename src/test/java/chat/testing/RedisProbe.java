package chat.testing;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Looks straight into the test's Redis, as {@code redis-cli} would: raw keys, plain strings. */
public final class RedisProbe implements AutoCloseable {

    private final RedissonClient redis;

    public RedisProbe(String url) {
        Config config = new Config();
        config.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
        config.setCodec(StringCodec.INSTANCE);
        config.setNettyThreads(4);
        this.redis = Redisson.create(config);
    }

    public RedissonClient client() {
        return redis;
    }

    public String get(String key) {
        return redis.<String>getBucket(key, StringCodec.INSTANCE).get();
    }

    public Map<String, String> hash(String key) {
        return redis.<String, String>getMap(key, StringCodec.INSTANCE).readAllMap();
    }

    public java.util.Set<String> set(String key) {
        return redis.<String>getSet(key, StringCodec.INSTANCE).readAll();
    }

    public java.util.List<String> zrange(String key) {
        return java.util.List.copyOf(redis.<String>getScoredSortedSet(key, StringCodec.INSTANCE).readAll());
    }

    public void publish(String channel, String payload) {
        redis.getTopic(channel, StringCodec.INSTANCE).publish(payload);
    }

    /**
     * Keys that change by time alone or by any socket anywhere: sessions' idle clocks, message rate
     * buckets (which expire once full again), presence (the shared cluster's Redis outlives a test
     * class, so sockets of earlier classes close, and killed nodes are reaped, at any time) and
     * locks left to expire.
     */
    private static final Predicate<String> MOVES_ON_ITS_OWN = key -> key.startsWith("chat:session:")
            || key.startsWith("chat:{presence}") || key.equals("online_users") || key.startsWith("chat:rate:")
            || key.startsWith("chat:lock:");
    /** Accounting that lapses on its own: login and registration counters, failed logins, posts' ids. */
    private static final Predicate<String> LAPSES = key -> key.startsWith("chat:throttle:") || key.startsWith("chat:{login}:")
            || key.startsWith("chat:post:");

    /**
     * Every key with its type and content, except those that {@link #MOVES_ON_ITS_OWN}. Compare a
     * later dump with {@link #lessLapsed} of this one.
     */
    public Map<String, String> dump() {
        return dump(MOVES_ON_ITS_OWN);
    }

    /** The chat's data only: neither what moves on its own nor accounting that {@link #LAPSES}. */
    public Map<String, String> dumpData() {
        return dump(MOVES_ON_ITS_OWN.or(LAPSES));
    }

    /**
     * {@code before} less the keys that are gone from {@code after} and lapse on their own, for
     * {@code assertEquals(lessLapsed(before, after), after)}: a write still shows, a key an earlier
     * test class left to expire does not.
     */
    public static Map<String, String> lessLapsed(Map<String, String> before, Map<String, String> after) {
        Map<String, String> kept = new TreeMap<>(before);
        kept.keySet().removeIf(key -> !after.containsKey(key) && LAPSES.test(key));
        return kept;
    }

    private Map<String, String> dump(Predicate<String> skip) {
        Map<String, String> dump = new TreeMap<>();
        for (String key : redis.getKeys().getKeys()) {
            if (skip.test(key)) {
                continue;
            }
            String type = redis.getKeys().getType(key) == null ? "none" : redis.getKeys().getType(key).name();
            String content = switch (type) {
                case "OBJECT" -> get(key);
                case "MAP" -> new TreeMap<>(hash(key)).toString();
                case "SET" -> new java.util.TreeSet<>(set(key)).toString();
                case "ZSET" -> redis.<String>getScoredSortedSet(key, StringCodec.INSTANCE).entryRange(0, -1).stream()
                        .map(e -> e.getScore() + " " + e.getValue()).toList().toString();
                default -> type;
            };
            dump.put(key, type + " " + content);
        }
        return dump;
    }

    @Override
    public void close() {
        redis.shutdown();
    }
}
