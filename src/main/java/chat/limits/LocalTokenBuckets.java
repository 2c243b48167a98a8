package chat.limits;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets in this node's memory, by key; buckets full again for a while are dropped. Safe
 * for any number of request threads: a take and a sweep run per key under the map's lock, so a
 * sweep never drops a bucket between its lookup and its take (which would hand out a fresh burst).
 */
@ApplicationScoped
public class LocalTokenBuckets {

    private static final int SWEEP_EVERY = 10_000;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    public boolean take(String key, int burst, double perSecond) {
        long now = System.nanoTime();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            for (String other : buckets.keySet()) {
                buckets.computeIfPresent(other, (k, bucket) -> bucket.isFull(now, burst, perSecond) ? null : bucket);
            }
        }
        boolean[] taken = new boolean[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(burst, now) : bucket;
            taken[0] = b.take(now, burst, perSecond);
            return b;
        });
        return taken[0];
    }

    /** Only touched inside the map's per-key compute, so never by two threads at once. */
    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.at = now;
        }

        boolean take(long now, int burst, double perSecond) {
            refill(now, burst, perSecond);
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }

        boolean isFull(long now, int burst, double perSecond) {
            refill(now, burst, perSecond);
            return tokens >= burst;
        }

        /** {@code now} was read before the lock: a thread that read it earlier may come second, and must add nothing. */
        private void refill(long now, int burst, double perSecond) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
                at = now;
            }
        }
    }
}
