package chat.realtime.hub;

import chat.messages.entity.MessageCodec;
import jakarta.json.spi.JsonProvider;

import java.util.List;

/**
 * A real-time event of the seed's protocol (docs/PROTOCOL.md) with its data already serialised
 * once, and who should receive it: the listed users, or a room's members, or everyone. Who
 * publishes it to other nodes is the caller's explicit code, never a property of the event.
 *
 * @param recipients user ids, or null for the room's members ({@code roomId}) or everyone (no room)
 */
public record ChatEvent(String type, String dataJson, List<String> recipients, String roomId) {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

    public static final String MESSAGE = "message";
    public static final String USER_CONNECTED = "user.connected";
    public static final String USER_DISCONNECTED = "user.disconnected";
    public static final String SHOW_ROOM = "show.room";
    public static final String ERROR = "error";
    public static final String MESSAGE_EDITED = "message.edited";
    public static final String MESSAGE_DELETED = "message.deleted";
    public static final String CHANNEL_UPDATED = "channel.updated";
    public static final String CHANNEL_MEMBER_JOINED = "channel.member.joined";
    public static final String CHANNEL_MEMBER_LEFT = "channel.member.left";

    /** The frame a client receives. */
    public String frame() {
        return frame(type, dataJson);
    }

    public static String frame(String type, String dataJson) {
        return "{\"type\":" + MessageCodec.quote(type) + ",\"data\":" + dataJson + "}";
    }

    public static String errorFrame(String message) {
        return frame(ERROR, JSON.createObjectBuilder().add("message", message).build().toString());
    }
}
