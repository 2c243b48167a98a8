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

    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    public boolean take(String key, int burst, double perSecond) {
        long now = System.nanoTime();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            for (String other : buckets.keySet()) {
                buckets.computeIfPresent(other, (k, bucket) -> bucket.isFull(now) ? null : bucket);
            }
        }
        boolean[] taken = new boolean[1];
        buckets.compute(key, (k, bucket) -> {
            TokenBucket b = bucket == null ? new TokenBucket(burst, perSecond, now) : bucket;
            taken[0] = b.take(now);
            return b;
        });
        return taken[0];
    }
}
