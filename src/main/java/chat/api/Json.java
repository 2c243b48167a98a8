package chat.api;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;

/** Strict reading of client JSON: wrong shapes and types are the client's error (400), not ours. */
public final class Json {

    public static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw ChatError.badRequest("A JSON object is required");
        }
        JsonValue value;
        try (var reader = jakarta.json.Json.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) { // the parser's refusals include plain RuntimeExceptions (nesting too deep)
            throw ChatError.badRequest("Malformed JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ChatError.badRequest("A JSON object is required");
        }
        return value.asJsonObject();
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
