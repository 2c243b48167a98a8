package chat.api;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;

/** Strict reading of client JSON: wrong shapes and types are the client's error (400), not ours. */
public final class Json {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    /**
     * The body as an object, read in one pass that also refuses a key named twice in any object
     * (400): the parser keeps the last, a proxy or log reader may believe the first, and a body
     * that means two things is refused rather than guessed at.
     */
    public static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw ChatError.badRequest("A JSON object is required");
        }
        try (JsonParser parser = PROVIDER.createParser(new StringReader(body))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw ChatError.badRequest("A JSON object is required");
            }
            JsonObject object = readObject(parser);
            if (parser.hasNext()) {
                throw ChatError.badRequest("Malformed JSON");
            }
            return object;
        } catch (RuntimeException e) { // the parser's refusals include plain RuntimeExceptions (nesting too deep)
            throw e instanceof ChatError refused ? refused : ChatError.badRequest("Malformed JSON");
        }
    }

    /** The rest of an object whose start the parser just read. */
    private static JsonObject readObject(JsonParser parser) {
        JsonObjectBuilder object = PROVIDER.createObjectBuilder();
        Set<String> keys = new HashSet<>();
        while (parser.next() == JsonParser.Event.KEY_NAME) { // or END_OBJECT
            String key = parser.getString();
            if (!keys.add(key)) {
                throw ChatError.badRequest("Duplicate key '" + key + "'");
            }
            object.add(key, readValue(parser, parser.next()));
        }
        return object.build();
    }

    private static JsonValue readValue(JsonParser parser, JsonParser.Event event) {
        return switch (event) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> {
                JsonArrayBuilder array = PROVIDER.createArrayBuilder();
                for (JsonParser.Event next = parser.next(); next != JsonParser.Event.END_ARRAY; next = parser.next()) {
                    array.add(readValue(parser, next));
                }
                yield array.build();
            }
            default -> parser.getValue();
        };
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
