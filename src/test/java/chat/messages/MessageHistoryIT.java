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
}
