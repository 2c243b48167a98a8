package chat.api;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** Strict reading of client JSON: wrong shapes and types are the client's error (400), not ours. */
public final class Json {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    public static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw ChatError.badRequest("A JSON object is required");
        }
        JsonValue value;
        try (var reader = PROVIDER.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) { // the parser's refusals include plain RuntimeExceptions (nesting too deep)
            throw ChatError.badRequest("Malformed JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ChatError.badRequest("A JSON object is required");
        }
        refuseDuplicateKeys(body);
        return value.asJsonObject();
    }

    /**
     * 400 when an object names a key twice: the parser keeps the last, a proxy or log reader may
     * believe the first, and a body that means two things is refused rather than guessed at.
     */
    private static void refuseDuplicateKeys(String body) {
        Deque<Set<String>> objects = new ArrayDeque<>();
        try (JsonParser parser = PROVIDER.createParser(new StringReader(body))) {
            while (parser.hasNext()) {
                switch (parser.next()) {
                    case START_OBJECT -> objects.push(new HashSet<>());
                    case END_OBJECT -> objects.pop();
                    case START_ARRAY -> objects.push(new HashSet<>()); // keeps push and pop paired
                    case END_ARRAY -> objects.pop();
                    case KEY_NAME -> {
                        if (!objects.peek().add(parser.getString())) {
                            throw ChatError.badRequest("Duplicate key '" + parser.getString() + "'");
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (jakarta.json.JsonException trailing) { // the reader stops after one value; the parser also reads what follows it
            throw ChatError.badRequest("Malformed JSON");
        }
    }

    public static String requiredString(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw ChatError.badRequest("'" + field + "' is required");
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw ChatError.badRequest("'" + field + "' must be a string");
        }
        return ((JsonString) value).getString();
    }

    /** An id given as a string or as an integer (the seed's clients send both). */
    public static String requiredId(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value instanceof JsonNumber number && number.isIntegral()) {
            return number.bigIntegerValue().toString();
        }
        if (value instanceof JsonString) {
            return requiredString(object, field);
        }
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw ChatError.badRequest("'" + field + "' is required");
        }
        throw ChatError.badRequest("'" + field + "' must be an id");
    }

    private Json() {
    }
}
