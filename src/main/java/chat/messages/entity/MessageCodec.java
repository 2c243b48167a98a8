package chat.messages.entity;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The one place that spells a message on the wire (docs/PROTOCOL.md): its stored JSON (the
 * seed's fields plus our {@code id}, {@code edited} and {@code deleted}, read tolerantly:
 * numeric {@code from}, fractional {@code date}), the text of its id, and the {@code MESSAGES} envelope. The posting script
 * writes the same texts from the parts this class hands it ({@link Draft},
 * {@link #envelopeHead}, {@link #envelopeTail}), so Java and Lua cannot drift apart.
 */
public final class MessageCodec {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

    /**
     * How a sequence number is written in an id, for Java's {@code String.format} and Lua's
     * {@code string.format} alike: at least 12 digits, so ids of one second sort as text. The
     * member JSON starts with the id, so members of equal score sort by it in Redis.
     */
    public static final String SEQUENCE_FORMAT = "%012d";
    /** How a stored message of ours begins: its id comes first. */
    public static final String ID_START = "{\"id\":\"";

    // ---- the stored message ----

    public static String toJson(ChatMessage message) {
        return toJsonObject(message).toString();
    }

    public static JsonObject toJsonObject(ChatMessage message) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (message.id() != null) {
            json.add("id", message.id());
        }
        json.add("from", message.from())
                .add("date", message.date())
                .add("message", message.message())
                .add("roomId", message.roomId());
        if (message.edited() != null) {
            json.add("edited", message.edited());
        }
        if (message.isDeleted()) {
            json.add("deleted", true);
        }
        return json.build();
    }

    public static Optional<ChatMessage> parse(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return fromJson(reader.readObject());
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    public static Optional<ChatMessage> fromJson(JsonObject json) {
        String from = idText(json.get("from"));
        JsonValue date = json.get("date");
        JsonValue message = json.get("message");
        String roomId = idText(json.get("roomId"));
        if (from == null || !(date instanceof JsonNumber number) || !(message instanceof JsonString text) || roomId == null) {
            return Optional.empty();
        }
        String id = json.get("id") instanceof JsonString s ? s.getString() : null;
        BigDecimal seconds = number.bigDecimalValue();
        BigDecimal edited = editTime(json.get("edited"));
        Boolean deleted = json.get("deleted") == JsonValue.TRUE ? Boolean.TRUE : null;
        return Optional.of(new ChatMessage(id, from, seconds.scale() < 0 ? seconds.setScale(0) : seconds,
                id == null ? asTyped(text.getString()) : text.getString(), roomId, edited, deleted));
    }

    /**
     * A seed server stores a message with each {@code <} and {@code >} written as {@code &lt} and {@code &gt}
     * (without the semicolon), and nothing else changed: a seed user's {@code if a<b} read {@code if a&ltb} on every
     * page of ours (found from outside). Messages without an id are the seed's: they read as their author typed them.
     */
    private static String asTyped(String seedText) {
        return seedText.indexOf('&') < 0 ? seedText : seedText.replace("&lt", "<").replace("&gt", ">");
    }

    /** Unix seconds to the millisecond at most (whole seconds before 7 December 2026); anything else is no edit time of ours. */
    private static BigDecimal editTime(JsonValue value) {
        if (value instanceof JsonNumber number) {
            BigDecimal seconds = number.bigDecimalValue();
            if (seconds.scale() <= 3 && seconds.precision() - seconds.scale() <= 12) {
                return seconds;
            }
        }
        return null;
    }

    /** An id sent as a string or an integral number. */
    public static String idText(JsonValue value) {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber n && n.isIntegral()) {
            return n.bigIntegerValue().toString();
        }
        return null;
    }

    /** A new message of {@code date} (Unix seconds), ready to draw its sequence number. */
    public static Draft draft(String from, String roomId, String text, long date) {
        String withoutId = toJson(new ChatMessage(null, from, BigDecimal.valueOf(date), text, roomId));
        String dateField = "\"date\":" + date; // after "from", whose value (a user id, escaped) cannot hold it
        int at = withoutId.indexOf(dateField) + "\"date\":".length();
        return new Draft(from, roomId, text, date, "\"," + withoutId.substring(1, at), withoutId.substring(at + String.valueOf(date).length()));
    }

    // ---- the id ----

    /** An id up to its sequence number: {@code <date>-}. */
    static String idPrefix(long date) {
        return date + "-";
    }

    static String sequenceText(long sequence) {
        return String.format(SEQUENCE_FORMAT, sequence);
    }

    // ---- the message log (a stream entry per event: its type and its data's JSON; a channel's message also its members) ----

    public static final String LOG_TYPE = "type";
    public static final String LOG_DATA = "data";
    /** The user ids a channel's message goes to, comma-separated, as they were when it was stored. */
    public static final String LOG_RECIPIENTS = "to";

    // ---- the MESSAGES envelope ----

    /**
     * The seed's envelope around an event's data, stamped with the publish time; {@code logged}
     * marks an event that is also in our message log, which our nodes read there instead (the
     * seed's servers ignore both extra fields).
     */
    public static String envelope(String serverId, String type, String dataJson, boolean logged) {
        return envelopeHead(serverId, type) + dataJson + envelopeTail(System.currentTimeMillis(), logged);
    }

    /** An envelope up to its data: {@code {"serverId":…,"type":…,"data":}. */
    public static String envelopeHead(String serverId, String type) {
        return "{\"serverId\":" + quote(serverId) + ",\"type\":" + quote(type) + ",\"data\":";
    }

    /** An envelope after its data. */
    public static String envelopeTail(long sentAtMillis, boolean logged) {
        return ",\"sentAt\":" + sentAtMillis + (logged ? ",\"logged\":true}" : "}");
    }

    /** Empty when the payload is not a JSON object; type or data may be missing (null), for the caller to judge. */
    public static Optional<Envelope> parseEnvelope(String payload) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(payload))) {
            json = reader.readObject();
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        return Optional.of(new Envelope(text(json.get("serverId")), text(json.get("type")),
                json.get("data") instanceof JsonObject data ? data : null,
                json.get("sentAt") instanceof JsonNumber sentAt ? sentAt.longValue() : null,
                json.get("logged") == JsonValue.TRUE));
    }

    /** A string or a number, as text (the seed writes some ids as numbers). */
    public static String text(JsonValue value) {
        return value instanceof JsonString s ? s.getString()
                : value != null && value.getValueType() == JsonValue.ValueType.NUMBER ? value.toString() : null;
    }

    public static String quote(String text) {
        return JSON.createValue(text).toString();
    }

    private MessageCodec() {
    }
}
