package chat.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueryNumberTest {

    @Test
    void aNumberWithinItsBoundsOrItsDefaultElseOneClearRefusal() {
        assertEquals(20, QueryNumber.parse("limit", null, 20, 1, 50));
        assertEquals(7, QueryNumber.parse("limit", " 7 ", 20, 1, 50));
        assertEquals(50, QueryNumber.parse("limit", "50", 20, 1, 50));
        for (String bad : new String[] {"0", "51", "-1", "abc", "", "999999999999", "1.5"}) {
            ChatError refused = assertThrows(ChatError.class, () -> QueryNumber.parse("limit", bad, 20, 1, 50), bad);
            assertEquals(400, refused.status(), bad);
            assertEquals("'limit' must be a whole number from 1 to 50", refused.getMessage(), bad);
        }
    }
}
