package chat.realtime.tyrus;

import chat.realtime.hub.OutboundEvent;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TyrusRawFramesTest {

    @Test
    void oneEventIsOneFinalTextFrameWithItsUtf8Bytes() {
        byte[] frame = TyrusRawFrames.textFrame(List.of(new OutboundEvent("{\"text\":\"héllo 😀\"}")));

        assertEquals("{\"text\":\"héllo 😀\"}", payloadOf(frame));
    }

    @Test
    void severalEventsAreJsonLines() {
        byte[] frame = TyrusRawFrames.textFrame(List.of(new OutboundEvent("{\"a\":1}"), new OutboundEvent("{\"b\":2}"),
                new OutboundEvent("{\"c\":3}")));

        assertEquals("{\"a\":1}\n{\"b\":2}\n{\"c\":3}", payloadOf(frame));
    }

    @Test
    void everyLengthEncodingIsRight() {
        for (int length : new int[]{1, 125, 126, 127, 65_535, 65_536, 200_000}) {
            String text = "x".repeat(length - 1) + "é"; // the last character takes two bytes
            byte[] frame = TyrusRawFrames.textFrame(List.of(new OutboundEvent(text)));

            assertEquals(text, payloadOf(frame), "payload of " + (length + 1) + " bytes");
        }
    }

    /** Decodes a server frame as a client would (RFC 6455 §5.2), checking what must hold. */
    private static String payloadOf(byte[] frame) {
        ByteBuffer in = ByteBuffer.wrap(frame);
        assertEquals(0x81, in.get() & 0xFF, "FIN and opcode text");
        int second = in.get() & 0xFF;
        assertEquals(0, second & 0x80, "a server never masks");
        long length = second & 0x7F;
        if (length == 126) {
            length = in.getShort() & 0xFFFF;
            assertEquals(true, length >= 126, "minimal length encoding");
        } else if (length == 127) {
            length = in.getLong();
            assertEquals(true, length > 0xFFFF, "minimal length encoding");
        }
        assertEquals(in.remaining(), length, "declared length is the payload");
        return StandardCharsets.UTF_8.decode(in).toString();
    }
}
