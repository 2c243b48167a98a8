package chat.realtime.socket;

import chat.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeAdmissionTest {

    private final AtomicLong now = new AtomicLong(); // time stands still unless a test moves it

    private HandshakeAdmission admission(String perSecond) {
        HandshakeAdmission admission = new HandshakeAdmission();
        admission.settings = Settings.of(Map.of("CHAT_WS_HANDSHAKES_PER_SECOND", perSecond));
        admission.clock = now::get;
        admission.start();
        return admission;
    }

    @Test
    void takesAsManyAsItsRateAtOnceThenAsksTheRestToComeBackLaterTheMoreItHasAlreadyRefused() {
        HandshakeAdmission admission = admission("100");
        for (int i = 0; i < 100; i++) {
            assertEquals(0, admission.admit(), "handshake " + i + " of the first burst");
        }
        int first = admission.admit();
        assertTrue(first >= 1, "the first one past the burst is told to come back, not " + first);
        int last = 0;
        for (int i = 0; i < 500; i++) {
            last = admission.admit();
        }
        assertTrue(last >= 5, "after 500 refusals at 100/s the next is told to wait about 5 s, not " + last);
        assertTrue(admission.peek() >= 5, "asking without a handshake gets the same answer");
    }

    @Test
    void refillsAtItsRate() {
        HandshakeAdmission admission = admission("100");
        for (int i = 0; i < 100; i++) {
            admission.admit();
        }
        assertTrue(admission.admit() > 0);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // ten turns later
        for (int i = 0; i < 10; i++) {
            assertEquals(0, admission.admit(), "turn " + i + " after 100 ms");
        }
        assertTrue(admission.admit() > 0, "the eleventh is too early");
    }

    @Test
    void zeroTakesEveryHandshake() {
        HandshakeAdmission admission = admission("0");
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, admission.admit());
        }
    }

    @Test
    void neverAsksForMoreThanAMinute() {
        HandshakeAdmission admission = admission("1");
        int retryAfter = 0;
        for (int i = 0; i < 1_000; i++) {
            retryAfter = admission.admit();
        }
        assertEquals(60, retryAfter);
    }

    @Test
    void handshakesRefusedAsBusyAreSpreadLikeTheRatesEvenWithoutARate() {
        HandshakeAdmission admission = admission("0");
        assertEquals(1, admission.busy(), "the first one refused comes back in a second");
        int last = 0;
        for (int i = 0; i < 5_000; i++) {
            last = admission.busy();
        }
        assertEquals(6, last, "5,001 refused, expected back at 1,000 a second: the last in about 6 s");
        assertEquals(6, admission.peekBusy(), "asking without a handshake gets the same answer");
        now.addAndGet(TimeUnit.SECONDS.toNanos(5)); // 5,000 of them due back by now
        assertEquals(1, admission.peekBusy());
    }
}
