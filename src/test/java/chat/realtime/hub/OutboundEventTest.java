package chat.realtime.hub;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class OutboundEventTest {

    @Test
    void itsUtf8BytesAreEncodedOnceForEverySocket() {
        OutboundEvent event = new OutboundEvent("{\"text\":\"héllo 😀\"}");

        assertArrayEquals("{\"text\":\"héllo 😀\"}".getBytes(StandardCharsets.UTF_8), event.utf8());
        assertSame(event.utf8(), event.utf8());
    }

    @Test
    void itsFrameIsMadeOnceAndTheSameBytesGoToEverySocket() {
        OutboundEvent event = new OutboundEvent("{\"a\":1}");
        AtomicInteger made = new AtomicInteger();

        byte[] first = event.frame(e -> {
            made.incrementAndGet();
            return e.utf8().clone();
        });
        byte[] again = event.frame(e -> {
            made.incrementAndGet();
            return new byte[0];
        });

        assertSame(first, again);
        assertEquals(1, made.get());
    }
}
