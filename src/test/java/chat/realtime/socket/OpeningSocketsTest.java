package chat.realtime.socket;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpeningSocketsTest {

    private final OpeningSockets opening = new OpeningSockets();

    @Test
    void placesAreGivenOnlyUpToTheLimitLessTheOpenSockets() {
        assertTrue(opening.admit(() -> 2, 4, 0).isPresent());
        assertTrue(opening.admit(() -> 2, 4, 0).isPresent());
        assertTrue(opening.admit(() -> 2, 4, 0).isEmpty(), "two open and two opening fill four");
        assertEquals(2, opening.count());
    }

    @Test
    void atMostTheBoundAreOpeningAtOnceHoweverMuchRoomThereIs() {
        OpeningSockets.Opening first = opening.admit(() -> 0, 100, 2).orElseThrow();
        opening.admit(() -> 0, 100, 2).orElseThrow();
        assertTrue(opening.admit(() -> 0, 100, 2).isEmpty(), "two handshakes under way fill a bound of two");
        first.finish();
        assertTrue(opening.admit(() -> 0, 100, 2).isPresent(), "one finished makes room for the next");
        assertTrue(opening.admit(() -> 0, 100, 0).isPresent(), "0: no bound");
    }

    @Test
    void aPlaceHeldLongerThanAnyHandshakeTakesIsGivenBackWhenPlacesRunOut() {
        long[] now = {0};
        opening.clock = () -> now[0];
        OpeningSockets.Opening lost = opening.admit(() -> 0, 100, 2).orElseThrow(); // its socket never registers
        now[0] += OpeningSockets.LOST_AFTER_NANOS / 2;
        OpeningSockets.Opening young = opening.admit(() -> 0, 100, 2).orElseThrow();
        assertTrue(opening.admit(() -> 0, 100, 2).isEmpty(), "both places held");
        assertTrue(opening.isBusy(2));
        now[0] += OpeningSockets.LOST_AFTER_NANOS / 2 + 1;
        assertFalse(opening.isBusy(2), "the first place has been held too long");
        assertTrue(opening.admit(() -> 0, 100, 2).isPresent(), "and is given to the next handshake");
        assertEquals(2, opening.count());
        lost.finish(); // finished late after all: nothing is given back twice
        young.finish();
        assertEquals(1, opening.count());
    }

    @Test
    void aPlaceIsFinishedOnceHoweverOftenItIsFinished() {
        OpeningSockets.Opening place = opening.admit(() -> 0, 1, 0).orElseThrow();
        opening.admit(() -> 0, 2, 0).orElseThrow();
        place.finish();
        place.finish(); // the endpoint registered the socket, and the filter's finally ran too
        assertEquals(1, opening.count());
        assertTrue(opening.admit(() -> 0, 2, 0).isPresent(), "the finished place is free again");
    }

    @Test
    void handshakesAdmittedAtTheSameInstantNeverExceedTheLimit() throws Exception {
        assertEquals(5, takenAtOnce(() -> opening.admit(() -> 0, 5, 0).isPresent()), "places given while none was finished");
        assertEquals(5, opening.count());
    }

    @Test
    void anAddressGetsPlacesUpToItsLimitLessItsOpenSocketsAndGetsThemBackWhenTheyFinish() {
        OpeningSockets.Opening first = opening.admit(() -> 0, 100, 0).orElseThrow();
        assertEquals(OpeningSockets.Claim.CLAIMED, first.claimFrom("10.0.0.1", () -> 1, 3, 0));
        assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 0).orElseThrow().claimFrom("10.0.0.1", () -> 1, 3, 0));
        assertEquals(OpeningSockets.Claim.TOO_MANY_SOCKETS, opening.admit(() -> 0, 100, 0).orElseThrow().claimFrom("10.0.0.1", () -> 1, 3, 0),
                "one open and two opening fill three");
        assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 0).orElseThrow().claimFrom("10.0.0.2", () -> 0, 3, 0), "another address");
        first.finish();
        first.finish();
        assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 0).orElseThrow().claimFrom("10.0.0.1", () -> 1, 3, 0),
                "the finished place is free again, once");
        assertEquals(OpeningSockets.Claim.TOO_MANY_SOCKETS, opening.admit(() -> 0, 100, 0).orElseThrow().claimFrom("10.0.0.1", () -> 1, 3, 0));
    }

    @Test
    void anAddressHoldsAtMostItsShareOfTheHandshakesUnderWay() {
        for (int i = 0; i < 2; i++) {
            assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 4).orElseThrow().claimFrom("10.0.0.1", () -> 0, 100, 2));
        }
        OpeningSockets.Opening third = opening.admit(() -> 0, 100, 4).orElseThrow();
        assertEquals(OpeningSockets.Claim.TOO_MANY_AT_ONCE, third.claimFrom("10.0.0.1", () -> 0, 100, 2), "half of four");
        third.finish(); // as the handshake filter does with a refused one
        assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 4).orElseThrow().claimFrom("10.0.0.2", () -> 0, 100, 2),
                "another address has its places");
    }

    @Test
    void anAddressGetsItsLostPlacesBackThoughTheNodeHasRoom() {
        long[] now = {0};
        opening.clock = () -> now[0];
        for (int i = 0; i < 2; i++) { // their sockets never open
            assertEquals(OpeningSockets.Claim.CLAIMED, opening.admit(() -> 0, 100, 100).orElseThrow().claimFrom("10.0.0.1", () -> 0, 100, 2));
        }
        now[0] += OpeningSockets.LOST_AFTER_NANOS + 1;
        OpeningSockets.Opening next = opening.admit(() -> 0, 100, 100).orElseThrow(); // the node has room: nothing swept
        assertEquals(3, opening.count());
        assertEquals(OpeningSockets.Claim.CLAIMED, next.claimFrom("10.0.0.1", () -> 0, 100, 2), "the share's lost places given back");
        assertEquals(1, opening.count());
    }

    @Test
    void aBurstFromOneAddressNeverExceedsItsLimit() throws Exception {
        int claimed = takenAtOnce(() -> {
            OpeningSockets.Opening place = opening.admit(() -> 0, Integer.MAX_VALUE, 0).orElseThrow();
            if (place.claimFrom("10.0.0.1", () -> 0, 5, 0) == OpeningSockets.Claim.CLAIMED) {
                return true;
            }
            place.finish();
            return false;
        });
        assertEquals(5, claimed, "places claimed while none was finished");
    }

    /** Eight threads, started together, each trying 10,000 times: how many tries succeeded. */
    private static int takenAtOnce(BooleanSupplier tryOnce) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> taken = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                taken.add(pool.submit(() -> {
                    start.await();
                    int places = 0;
                    for (int i = 0; i < 10_000; i++) {
                        if (tryOnce.getAsBoolean()) {
                            places++;
                        }
                    }
                    return places;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : taken) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
