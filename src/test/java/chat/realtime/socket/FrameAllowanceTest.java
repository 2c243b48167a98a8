package chat.realtime.socket;

import chat.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameAllowanceTest {

    @Test
    void aSocketGetsTheMessageBurstAndTheSlackThenIsRefused() {
        FrameAllowance allowance = new FrameAllowance(40, 0.001);
        for (int i = 0; i < 40 + FrameAllowance.SLACK; i++) {
            assertEquals(FrameAllowance.Verdict.ACCEPT, allowance.take(), "frame " + i);
        }
        assertEquals(FrameAllowance.Verdict.REFUSE, allowance.take());
    }

    @Test
    void aSocketRefusedOverAThousandTimesAtOnceIsToBeClosed() {
        FrameAllowance allowance = new FrameAllowance(1, 0.001);
        while (allowance.take() == FrameAllowance.Verdict.ACCEPT) {
            // the burst
        }
        int refused = 1;
        while (allowance.take() == FrameAllowance.Verdict.REFUSE) {
            refused++;
        }
        // A little more than a thousand: refusals are forgiven as time passes, also while this loop runs.
        assertTrue(refused >= FrameAllowance.REFUSALS_BEFORE_CLOSING && refused < FrameAllowance.REFUSALS_BEFORE_CLOSING + 50,
                refused + " refusals before the verdict to close");
    }

    @Test
    void refusalsAreForgivenAHundredASecond() {
        FrameAllowance allowance = new FrameAllowance(0, 0.001);
        while (allowance.take() == FrameAllowance.Verdict.ACCEPT) {
            // the slack's burst
        }
        for (int i = 1; i < FrameAllowance.REFUSALS_BEFORE_CLOSING; i++) {
            allowance.take();
        }
        long start = System.nanoTime();
        Await.until("half a second passed", Duration.ofSeconds(5), () -> System.nanoTime() - start > 500_000_000L);
        for (int i = 0; i < 40; i++) { // 999 refusals, 50 of them forgiven since, 40 more: not over a thousand
            assertNotEquals(FrameAllowance.Verdict.CLOSE, allowance.take(), "frame " + i + " after the pause");
        }
    }
}
