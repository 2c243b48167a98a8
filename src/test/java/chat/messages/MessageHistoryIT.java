package chat.messages;

import chat.testing.ChatCluster;
import chat.testing.ChatSocketClient;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history store against the real Redis, through a node: what a post leaves in Redis, and what catch-up and pages read back. */
@ExtendWith(SharedChat.class)
class MessageHistoryIT {

    private final ChatCluster chat;

    MessageHistoryIT(ChatCluster chat) {
        this.chat = chat;
    }

    /** Posts and returns the id the node gave the message. */
    private static String post(ChatSocketClient socket, String roomId, String text) {
        String clientId = Users.unique("c");
        socket.post(roomId, text, clientId);
        return socket.awaitAck(clientId).getString("id");
    }

    private static List<String> ids(Person reader, String path) {
        return reader.http().get(path).array().stream().map(JsonValue::asJsonObject).map(m -> m.getString("id")).toList();
    }

    @Test
    void storedMessagesAreSeedFormatMembersScoredByTheirSecond() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        String room = Users.privateRoom(ann, bob);
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            String id = post(socket, room, "hello");

            var stored = chat.probe().client().<String>getScoredSortedSet("room:" + room, StringCodec.INSTANCE);
            assertEquals(1, stored.size());
            JsonObject message = Json.createReader(new StringReader(stored.first())).readObject();
            assertEquals(ann.id(), message.getString("from"));
            assertEquals(room, message.getString("roomId"));
            assertEquals("hello", message.getString("message"));
            assertEquals(id, message.getString("id"));
            assertEquals(message.getJsonNumber("date").doubleValue(), stored.firstScore());
        }
    }

    /**
     * A message is never dated before the one stored before it, so ids compare in the order messages
     * were stored, by their date as by their number, and catch-up pages (cut in date order, asked for
     * again after their last id) miss nothing. Found from outside: a post that waited through a Redis
     * stall kept its older second but drew a later number, and a catch-up page cut at it skipped the
     * messages numbered before it and dated after it. Here the newest date is set ahead, as a node
     * whose clock runs 30 s fast leaves it.
     */
    @Test
    void noMessageIsDatedBeforeTheOneStoredBeforeIt() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        Person carol = Users.register(chat.nodeB(), "carol");
        String room = Users.privateRoom(ann, bob);
        String other = Users.privateRoom(carol, bob); // not General: the classes after this one on the shared cluster read it
        var newestDate = chat.probe().client().getBucket("chat:message-date", StringCodec.INSTANCE);
        try (ChatSocketClient onA = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient onB = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            String first = post(onA, room, "first"); // a private room's first message: announced, then stored
            long ahead = Long.parseLong(first.substring(0, first.indexOf('-'))) + 30;
            newestDate.set(String.valueOf(ahead));
            List<String> ids = new ArrayList<>(List.of(first));
            for (int i = 0; i < 6; i++) {
                String into = i % 3 == 0 ? other : room;
                ids.add(post(into.equals(other) || i % 2 == 0 ? onB : onA, into, "later " + i));
            }
            for (String id : ids.subList(1, ids.size())) {
                assertTrue(Long.parseLong(id.substring(0, id.indexOf('-'))) >= ahead, id + " dated at or after " + ahead);
            }
            assertEquals(ids.stream().sorted().toList(), ids, "ids in the order stored");
            List<String> inRoom = ids.stream().filter(id -> !id.equals(ids.get(1)) && !id.equals(ids.get(4))).toList();
            assertEquals(inRoom.subList(1, inRoom.size()), ids(bob, "/api/room/" + room + "/messages?after=" + first));
            var stored = chat.probe().client().<String>getScoredSortedSet("room:" + room, StringCodec.INSTANCE);
            assertEquals((double) ahead, stored.lastScore(), "scored by the date it was given");
        } finally {
            newestDate.delete(); // the classes after this one post at the machine's time again
        }
    }

    @Test
    void equalTextsAreDistinctMessagesAndCatchUpIsExact() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        String room = Users.privateRoom(ann, bob);
        List<String> ids = new ArrayList<>();
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            for (int i = 0; i < 5; i++) {
                ids.add(post(socket, room, "same"));
            }
        }
        assertEquals(5, ids.stream().distinct().count());

        String messages = "/api/room/" + room + "/messages";
        assertEquals(ids.subList(2, 5), ids(bob, messages + "?after=" + ids.get(1)), "oldest first, from just after the one given");
        assertEquals(List.of(), ids(bob, messages + "?after=" + ids.get(4)));
        assertEquals(List.of(ids.get(4), ids.get(3)), ids(bob, messages + "?offset=0&size=2"), "a page: newest first");
    }

    /**
     * The seed's servers write messages without an id, so their order within a second is unknown:
     * a catch-up after a message returns those of its second too. Found from outside: a seed server's
     * message stored in the same second as the client's last one was never caught up, even after a
     * resync (the page tells apart those it holds by sender, date and text).
     */
    @Test
    void messagesOfTheSeedInTheSameSecondAsTheLastSeenAreCaughtUp() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        String room = Users.privateRoom(ann, bob);
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            String id = post(socket, room, "ours");
            long second = Long.parseLong(id.substring(0, id.indexOf('-')));
            var stored = chat.probe().client().<String>getScoredSortedSet("room:" + room, StringCodec.INSTANCE);
            for (long date : List.of(second - 1, second)) {
                String seedWritten = Json.createObjectBuilder().add("from", bob.id()).add("date", date)
                        .add("message", "from the seed at " + date).add("roomId", room).build().toString();
                stored.add(date, seedWritten);
            }

            List<JsonObject> after = bob.http().get("/api/room/" + room + "/messages?after=" + id).array().stream()
                    .map(JsonValue::asJsonObject).toList();
            assertEquals(List.of("from the seed at " + second), after.stream().map(m -> m.getString("message")).toList(),
                    "the one of the same second, not the one before it");
            assertTrue(!after.get(0).containsKey("id"), "as the seed wrote it: " + after.get(0));
        }
    }
}
