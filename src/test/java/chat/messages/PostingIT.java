package chat.messages;

import chat.testing.ChatCluster;
import chat.testing.ChatSocketClient;
import chat.testing.RedisCommand;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Posts with client message ids: stored at most once, answered by name (docs/PROTOCOL.md). */
@ExtendWith(SharedChat.class)
class PostingIT {

    private final ChatCluster chat;

    PostingIT(ChatCluster chat) {
        this.chat = chat;
    }

    @Test
    void aRetriedPostIsStoredOnceAndAnsweredWithTheOriginal() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient retry = ChatSocketClient.connect(chat.nodeB(), ann.http());
             ChatSocketClient b = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            String text = Users.unique("once-");
            String clientId = Users.unique("c");
            a.post("0", text, clientId);
            JsonObject first = a.await("message.ack", d -> clientId.equals(d.getString("clientMessageId"))).getJsonObject("data");
            assertTrue(first.getBoolean("stored"));
            assertFalse(first.getBoolean("duplicate"));
            // The same post again, on another node (a client that reconnected elsewhere without hearing the answer)
            retry.post("0", text, clientId);
            JsonObject second = retry.await("message.ack", d -> clientId.equals(d.getString("clientMessageId"))).getJsonObject("data");
            assertTrue(second.getBoolean("duplicate"));
            assertEquals(first.getString("id"), second.getString("id"), "the retry is answered with the original");
            assertEquals("0", second.getString("roomId"));

            String marker = Users.unique("marker-");
            a.post("0", marker, Users.unique("c"));
            b.awaitMessage(marker);
            assertEquals(1, b.messages().stream().filter(m -> text.equals(m.getString("message"))).count(), "delivered once");
            assertEquals(1, chat.probe().zrange("room:0").stream().filter(m -> m.contains(text)).count(), "stored once");
        }
    }

    @Test
    void aPostWhoseIdIsUnderWayElsewhereIsAnsweredAsUnknownAndStoresNothing() {
        Person ann = Users.register(chat.nodeA(), "ann");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            String clientId = Users.unique("c");
            // What the separate calls' path (a private room's first message) leaves while it stores a post with this id
            RedisCommand.send(chat.redis().port(), "SET", "chat:post:" + ann.id() + ":" + clientId, "", "EX", "60");
            String text = Users.unique("busy-");
            a.post("0", text, clientId);
            JsonObject answer = a.await("error", d -> clientId.equals(d.getString("clientMessageId", null))).getJsonObject("data");
            assertEquals(JsonValue.NULL, answer.get("stored"), "unknown yet: the client asks again with the same id");
            assertTrue(answer.getString("message").contains("still being stored"), answer.toString());
            assertTrue(chat.probe().zrange("room:0").stream().noneMatch(m -> m.contains(text)), "not stored");
        }
    }

    @Test
    void refusalsNameTheClientMessageIdAndSayNothingWasStored() {
        Person ann = Users.register(chat.nodeA(), "ann");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            String empty = Users.unique("c");
            a.post("0", "  ", empty);
            JsonObject refused = a.await("error", d -> empty.equals(d.getString("clientMessageId", null))).getJsonObject("data");
            assertEquals(JsonValue.FALSE, refused.get("stored"));
            assertTrue(refused.getString("message").contains("empty"));

            a.post("0", "x", "not/valid");
            JsonObject badId = a.await("error", d -> d.getString("message").contains("clientMessageId")).getJsonObject("data");
            assertFalse(badId.containsKey("clientMessageId"), "an invalid id is not echoed");

            String full = Users.unique("c");
            String text = Users.unique("full-");
            // The shared cluster's Redis serves the classes that follow: its own limit is put back, whatever it was.
            String maxmemory = ((java.util.List<?>) RedisCommand.send(chat.redis().port(), "CONFIG", "GET", "maxmemory")).get(1).toString();
            RedisCommand.send(chat.redis().port(), "CONFIG", "SET", "maxmemory", "1");
            try {
                a.post("0", text, full);
                JsonObject outOfMemory = a.await("error", d -> full.equals(d.getString("clientMessageId", null)),
                        Duration.ofSeconds(20)).getJsonObject("data");
                assertEquals(JsonValue.FALSE, outOfMemory.get("stored"));
                assertTrue(outOfMemory.getString("message").contains("full"), outOfMemory.toString());
            } finally {
                RedisCommand.send(chat.redis().port(), "CONFIG", "SET", "maxmemory", maxmemory);
            }
            assertTrue(chat.probe().zrange("room:0").stream().noneMatch(m -> m.contains(text)), "not stored");
            a.post("0", text, full);
            assertTrue(a.await("message.ack", d -> full.equals(d.getString("clientMessageId"))).getJsonObject("data").getBoolean("stored"),
                    "refused, so the same id may be stored later");
        }
    }
}
