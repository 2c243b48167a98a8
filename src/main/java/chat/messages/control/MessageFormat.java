package chat.messages.control;

import chat.messages.entity.ChatMessage;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Optional;

/** Reads and writes the seed's message JSON, tolerating its variations (numeric {@code from}, fractional {@code date}). */
public final class MessageFormat {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

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
        Long edited = json.get("edited") instanceof JsonNumber e && e.isIntegral() ? e.longValue() : null;
        Boolean deleted = json.get("deleted") == JsonValue.TRUE ? Boolean.TRUE : null;
        return Optional.of(new ChatMessage(id, from, seconds.scale() < 0 ? seconds.setScale(0) : seconds, text.getString(), roomId,
                edited, deleted));
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

    private MessageFormat() {
    }
}
