package chat.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One event on its way to sockets: its JSON text, its UTF-8 bytes and, for the sockets that get
 * it alone, its frame, each encoded at most once per node however many sockets it goes to.
 */
public final class OutboundEvent {

    private final String json;
    private byte[] utf8; // racy but idempotent: at worst two threads encode the same text
    private byte[] frame; // the same

    public OutboundEvent(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public byte[] utf8() {
        byte[] bytes = utf8;
        if (bytes == null) {
            bytes = json.getBytes(StandardCharsets.UTF_8);
            utf8 = bytes;
        }
        return bytes;
    }

    /**
     * The event alone in a frame, as {@code framing} makes it the first time: a socket that is
     * not behind gets each event alone, and then every socket gets the same bytes, which nobody
     * may change.
     */
    public byte[] frame(Function<OutboundEvent, byte[]> framing) {
        byte[] bytes = frame;
        if (bytes == null) {
            bytes = framing.apply(this);
            frame = bytes;
        }
        return bytes;
    }
}
