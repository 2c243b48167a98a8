package chat.limits;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this node's memory, by key; buckets full again for a while are dropped. */
@ApplicationScoped
public class LocalTokenBuckets {

    private static final int SWEEP_EVERY = 10_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private int calls;

    public boolean take(String key, int burst, double perSecond) {
        long now = System.nanoTime();
        if (++calls % SWEEP_EVERY == 0) {
            buckets.values().removeIf(b -> b.isFull(now, burst, perSecond));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(now, burst, perSecond);
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.at = now;
        }

        synchronized boolean take(long now, int burst, double perSecond) {
            tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
            at = now;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }

        synchronized boolean isFull(long now, int burst, double perSecond) {
            return tokens + (now - at) / 1e9 * perSecond >= burst;
        }
    }
}
