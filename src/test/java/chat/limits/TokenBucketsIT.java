package chat.limits;

import chat.testing.RedisCommand;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Token buckets against a real Redis that stalls. Found from outside: a user posting at 4 a
 * second, within the rate, while Redis slept for 10 s had the last few of those posts refused "too
 * fast", as they all reached Redis at once afterwards. A take now counts from when it was asked.
 */
class TokenBucketsIT {

    static RedisServerProcess redis;
    static RedisProbe probe;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        probe = new RedisProbe(redis.url());
    }

    @AfterAll
    static void stop() {
        probe.client().shutdown();
        redis.close();
    }

    @Test
    void takesAskedForWithinTheRateWhileRedisStalledAreAllGranted() throws Exception {
        TokenBuckets buckets = new TokenBuckets();
        buckets.redis = probe.client();
        String key = "chat:test:bucket";
        assertEquals(true, buckets.take(key, 3, 20)); // the bucket exists before the stall
        ExecutorService askers = Executors.newFixedThreadPool(30);
        try {
            Thread stall = new Thread(() -> RedisCommand.send(redis.port(), "DEBUG", "SLEEP", "2"));
            stall.start();
            List<Future<Boolean>> takes = new ArrayList<>();
            // One take every 100 ms, a tenth of a second's refill of 20 a second (2 tokens) between each: within the rate.
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(100L * i);
                takes.add(askers.submit(() -> {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the asks, as a user types
                    }
                    return buckets.take(key, 3, 20);
                }));
            }
            int granted = 0;
            for (Future<Boolean> take : takes) {
                granted += take.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            stall.join();
            assertEquals(30, granted, "takes granted of 30 asked at 10 a second, 20 allowed a second");
        } finally {
            askers.shutdownNow();
        }
    }
}
