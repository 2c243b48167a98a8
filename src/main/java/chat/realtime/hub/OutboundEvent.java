package chat.realtime.hub;

import java.nio.charset.StandardCharsets;

/**
 * One event on its way to sockets: its JSON text, and its UTF-8 bytes encoded at most once per
 * node however many sockets it goes to.
 */
public final class OutboundEvent {

    private final String json;
    private byte[] utf8; // racy but idempotent: at worst two threads encode the same text

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
}
