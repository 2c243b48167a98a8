package chat.messages;

import chat.messages.entity.ChatMessage;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.testing.Await;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

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
            JsonObject first = a.awaitAck(clientId);
            assertTrue(first.getBoolean("stored"));
            assertFalse(first.getBoolean("duplicate"));
            // The same post again, on another node (a client that reconnected elsewhere without hearing the answer)
            retry.post("0", text, clientId);
            JsonObject second = retry.awaitAck(clientId);
            assertTrue(second.getBoolean("duplicate"));
            assertEquals(first.getString("id"), second.getString("id"), "the retry is answered with the original");
            assertEquals("0", second.getString("roomId"));
            // The same id for a post into another room: nothing stored there, and the answer names the room it was stored
            // in (it named the room asked for, where nothing was).
            String room = Users.privateRoom(ann, bob);
            a.post(room, text, clientId);
            Await.until("the answer to the same id in another room", Duration.ofSeconds(20), () -> a.events("message.ack").size() == 2);
            JsonObject elsewhere = a.events("message.ack").get(1).getJsonObject("data");
            assertTrue(elsewhere.getBoolean("duplicate"));
            assertEquals("0", elsewhere.getString("roomId"), elsewhere.toString());
            assertEquals(first.getString("id"), elsewhere.getString("id"));
            assertTrue(chat.probe().zrange("room:" + room).stream().noneMatch(m -> m.contains(text)), "nothing stored in " + room);

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
    void aPostInASessionThatEndedUnheardIsRefusedAndClosesTheSessionsSockets() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeA(), "bob");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient other = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient b = ChatSocketClient.connect(chat.nodeA(), bob.http())) {
            String before = Users.unique("c");
            String stored = Users.unique("before-");
            a.post("0", stored, before);
            assertTrue(a.awaitAck(before).getBoolean("stored"));

            // What a node never hears of when Redis loses its data, or a logout's event is lost in a pub/sub
            // outage: the session is gone from Redis while its sockets are still open.
            List<String> sessions = chat.probe().zrange("chat:user-sessions:" + ann.id());
            assertEquals(1, sessions.size(), sessions.toString());
            RedisCommand.send(chat.redis().port(), "DEL", "chat:session:" + sessions.get(0));

            // A retry of the post sent in the live session is answered with the original.
            other.post("0", stored, before);
            assertTrue(other.awaitAck(before).getBoolean("duplicate"), "a retry of a post tried before the session ended");
            String after = Users.unique("c");
            String text = Users.unique("after-");
            a.post("0", text, after);
            JsonObject refused = a.await("error", d -> after.equals(d.getString("clientMessageId", null))).getJsonObject("data");
            assertEquals(JsonValue.FALSE, refused.get("stored"), refused.toString());
            assertEquals(1008, a.awaitClose(), "the socket that posted closes");
            assertEquals(1008, other.awaitClose(), "and the session's other socket on that node");
            assertTrue(chat.probe().zrange("room:0").stream().noneMatch(m -> m.contains(text)), "not stored");
            String marker = Users.unique("marker-");
            b.sendMessage("0", marker);
            b.awaitMessage(marker);
            assertTrue(b.messages().stream().noneMatch(m -> text.equals(m.getString("message"))), "not delivered");
            assertFalse(b.isClosed(), "another user's socket stays");
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
            // A number is no id: it was ignored, the post stored without an answer and without a retry's safety.
            String numbered = Users.unique("numbered-");
            a.send("{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"" + numbered + "\",\"clientMessageId\":5}}");
            a.await("error", d -> d != null && "'clientMessageId' must be a string".equals(d.getString("message")));
            assertTrue(chat.probe().zrange("room:0").stream().noneMatch(m -> m.contains(numbered)), "nothing stored");

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
            assertTrue(a.awaitAck(full).getBoolean("stored"),
                    "refused, so the same id may be stored later");
        }
    }

    @Test
    void postsSentBackToBackAreStoredAndDeliveredInTheOrderSent() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient b = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            String run = Users.unique("burst-");
            List<String> texts = IntStream.range(0, 200).mapToObj(i -> run + "-" + i).toList();
            // Without waiting for answers, so that posts queue behind those in flight and go to Redis together
            for (int i = 0; i < texts.size(); i++) {
                if (i % 3 == 0) {
                    a.sendMessage("0", texts.get(i));
                } else {
                    a.post("0", texts.get(i), run + "c" + i);
                }
            }
            b.awaitMessage(texts.get(texts.size() - 1));
            List<JsonObject> delivered = b.messages().stream().filter(m -> m.getString("message").startsWith(run + "-")).toList();
            assertEquals(texts, delivered.stream().map(m -> m.getString("message")).toList(), "delivered once each, in the order sent");
            List<MessageId> ids = delivered.stream().map(m -> MessageId.parse(m.getString("id")).orElseThrow()).toList();
            assertEquals(ids.stream().sorted().toList(), ids, "stored in the order sent: " + ids);
            for (int i = 1; i < texts.size(); i += 3) {
                String clientId = run + "c" + i;
                JsonObject ack = a.awaitAck(clientId);
                assertEquals(delivered.get(i).getString("id"), ack.getString("id"), "answered with its own message");
                assertFalse(ack.getBoolean("duplicate"));
            }
            assertEquals(0, a.events("error").size(), a.events("error").toString());
        }
    }

    @Test
    void aSenderFarAheadOfAStalledStoreIsHeldBackAndLosesNothing() {
        Person ann = Users.register(chat.nodeA(), "ann");
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            String run = Users.unique("ahead-");
            int count = 150; // more than a socket's posts that may wait behind those Redis holds: the node stops reading it
            RedisCommand.send(chat.redis().port(), "CLIENT", "PAUSE", "2000", "WRITE");
            for (int i = 0; i < count; i++) {
                a.post("0", run + "-" + i, run + "c" + i);
            }
            List<String> answeredIds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String clientId = run + "c" + i;
                JsonObject ack = a.await("message.ack", d -> clientId.equals(d.getString("clientMessageId")), Duration.ofSeconds(30))
                        .getJsonObject("data");
                assertTrue(ack.getBoolean("stored"));
                answeredIds.add(ack.getString("id"));
            }
            assertEquals(0, a.events("error").size(), a.events("error").toString());
            List<String> inRoom = chat.probe().zrange("room:0").stream().filter(m -> m.contains(run + "-"))
                    .map(m -> MessageCodec.parse(m).orElseThrow()).sorted(Comparator.comparing(m -> MessageId.parse(m.id()).orElseThrow()))
                    .map(ChatMessage::message).toList();
            assertEquals(IntStream.range(0, count).mapToObj(i -> run + "-" + i).toList(), inRoom, "each stored once, in the order sent");
            assertEquals(answeredIds.stream().sorted(Comparator.comparing(id -> MessageId.parse(id).orElseThrow())).toList(), answeredIds,
                    "answered in the order sent");
        }
    }

    @Test
    void aPrivateRoomsFirstMessagesSentBackToBackAnnounceTheRoomOnceAndArriveInOrder() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        String roomId = Users.privateRoom(ann, bob);
        try (ChatSocketClient a = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient b = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            String run = Users.unique("first-");
            List<String> texts = IntStream.range(0, 12).mapToObj(i -> run + "-" + i).toList();
            // Redis holds a first post while the rest queue behind it and then go together: the room's first
            // message among them needs the separate calls, and what follows it must not overtake it.
            RedisCommand.send(chat.redis().port(), "CLIENT", "PAUSE", "1000", "WRITE");
            a.post("0", run + "-before", run + "b");
            for (int i = 0; i < texts.size(); i++) {
                a.post(roomId, texts.get(i), run + "c" + i);
                a.post("0", texts.get(i) + "-general", run + "g" + i);
            }
            b.awaitMessage(texts.get(texts.size() - 1));
            b.awaitMessage(texts.get(texts.size() - 1) + "-general");
            List<String> inOrder = new ArrayList<>(List.of(run + "-before"));
            texts.forEach(t -> {
                inOrder.add(t);
                inOrder.add(t + "-general");
            });
            assertEquals(inOrder, b.messages().stream().map(m -> m.getString("message")).filter(t -> t.startsWith(run + "-")).toList(),
                    "delivered once each, in the order sent");
            assertEquals(1, b.events("show.room").stream().filter(e -> roomId.equals(e.getJsonObject("data").getString("id"))).count(),
                    "the room is announced once");
            assertEquals(texts.size(), chat.probe().zrange("room:" + roomId).size(), "each stored once");
            assertEquals(0, a.events("error").size(), a.events("error").toString());
        }
    }
}
