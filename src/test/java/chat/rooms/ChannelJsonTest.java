package chat.rooms;

import chat.rooms.entity.Channel;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelJsonTest {

    @Test
    void aChannelInAnAnswerHasItsDocumentedFieldsOnly() throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertEquals("{\"id\":\"c-1\",\"name\":\"design\",\"kind\":\"public\",\"creator\":\"1\",\"created\":1700000000}",
                    jsonb.toJson(new Channel("c-1", "design", Channel.PUBLIC, "1", 1700000000L, null)));
            assertEquals("{\"id\":\"c-2\",\"name\":\"ops\",\"kind\":\"private\",\"creator\":\"1\",\"created\":1700000000,\"archived\":1700000100}",
                    jsonb.toJson(new Channel("c-2", "ops", Channel.PRIVATE, "1", 1700000000L, 1700000100L)));
        }
    }
}
