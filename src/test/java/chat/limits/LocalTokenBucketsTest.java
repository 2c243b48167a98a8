package chat.limits;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalTokenBucketsTest {

    /** A rate so small that no token comes back during the test: what is taken is exactly the burst. */
    private static final double NO_REFILL = 1e-9;

    @Test
    void aBurstThenRefusal() {
        LocalTokenBuckets buckets = new LocalTokenBuckets();
        for (int i = 0; i < 3; i++) {
            assertTrue(buckets.take("s", 3, NO_REFILL));
        }
        assertFalse(buckets.take("s", 3, NO_REFILL));
        assertTrue(buckets.take("other", 3, NO_REFILL), "each key its own bucket");
    }

    @Test
    void threadsTogetherGetExactlyTheBurstWhileSweepsRun() throws Exception {
        LocalTokenBuckets buckets = new LocalTokenBuckets();
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        if (buckets.take("shared", 1000, NO_REFILL)) {
                            granted.incrementAndGet();
                        }
                        buckets.take("other-" + thread + "-" + i, 1, NO_REFILL); // many keys: sweeps run meanwhile
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1000, granted.get());
    }
}
