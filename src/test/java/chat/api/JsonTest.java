package chat.api;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void anObjectIsReadWithEveryKindOfValueInItsOrder() {
        JsonObject read = Json.object(" {\"b\":\"x\\u00e9\",\"a\":[1,2.5,{\"k\":null},[true,false]],\"c\":{\"d\":-3e2}} ");
        assertEquals("{\"b\":\"xé\",\"a\":[1,2.5,{\"k\":null},[true,false]],\"c\":{\"d\":-3E+2}}", read.toString());
        assertEquals(new BigDecimal("2.5"), read.getJsonArray("a").getJsonNumber(1).bigDecimalValue());
        assertTrue(read.getJsonObject("c").getJsonNumber("d").bigDecimalValue().compareTo(new BigDecimal("-300")) == 0);
        assertEquals("{}", Json.object("{}").toString());
    }

    @Test
    void aKeyNamedTwiceInAnyObjectIsRefused() {
        assertRefused("{\"message\":\"a\",\"message\":\"b\"}", "Duplicate key 'message'");
        assertRefused("{\"data\":{\"roomId\":\"0\",\"roomId\":\"1:2\"}}", "Duplicate key 'roomId'");
        assertRefused("{\"list\":[{\"k\":1},{\"k\":1,\"k\":2}]}", "Duplicate key 'k'");
        // The same key in two objects is no duplicate.
        assertEquals(2, Json.object("{\"a\":{\"k\":1},\"b\":{\"k\":1}}").size());
    }

    @Test
    void whatIsNotOneWellFormedObjectIsRefused() {
        for (String notAnObject : new String[] {"[1]", "\"text\"", "42", "null", "  "}) {
            assertRefused(notAnObject, "A JSON object is required");
        }
        for (String malformed : new String[] {"{", "{\"a\":}", "{\"a\":1}}", "{\"a\":1} {\"b\":2}", "{\"a\":1} x", "{'a':1}",
                "{\"a\":[1,}", "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"}) {
            assertRefused(malformed, "Malformed JSON");
        }
    }

    private static void assertRefused(String body, String why) {
        ChatError refused = assertThrows(ChatError.class, () -> Json.object(body), body.length() > 80 ? body.substring(0, 80) : body);
        assertEquals(400, refused.status());
        assertEquals(why, refused.getMessage());
    }
}
