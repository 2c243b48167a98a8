package chat.realtime.socket;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpeningSocketsTest {

    private final OpeningSockets opening = new OpeningSockets();

    @Test
    void placesAreGivenOnlyUpToTheLimitLessTheOpenSockets() {
        assertTrue(opening.admit(() -> 2, 4).isPresent());
        assertTrue(opening.admit(() -> 2, 4).isPresent());
        assertTrue(opening.admit(() -> 2, 4).isEmpty(), "two open and two opening fill four");
        assertEquals(2, opening.count());
    }

    @Test
    void aPlaceIsFinishedOnceHoweverOftenItIsFinished() {
        OpeningSockets.Opening place = opening.admit(() -> 0, 1).orElseThrow();
        opening.admit(() -> 0, 2).orElseThrow();
        place.finish();
        place.finish(); // the endpoint registered the socket, and the filter's finally ran too
        assertEquals(1, opening.count());
        assertTrue(opening.admit(() -> 0, 2).isPresent(), "the finished place is free again");
    }

    @Test
    void handshakesAdmittedAtTheSameInstantNeverExceedTheLimit() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                admitted.add(pool.submit(() -> {
                    start.await();
                    int places = 0;
                    for (int i = 0; i < 10_000; i++) {
                        Optional<OpeningSockets.Opening> place = opening.admit(() -> 0, 5);
                        if (place.isPresent()) {
                            places++;
                        }
                    }
                    return places;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : admitted) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(5, total, "places given while none was finished");
            assertEquals(5, opening.count());
        } finally {
            pool.shutdownNow();
        }
    }
}
