package chat.realtime.socket;

import chat.testing.Await;
import chat.testing.ChatCluster;
import chat.testing.ChatSocketClient;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No window between the handshake and the server knowing the socket (docs/PROTOCOL.md, {@code ready}).
 * In a private room of its own two users: General in the shared cluster holds whatever earlier
 * classes wrote, messages of the seed's servers without an id among them.
 */
@ExtendWith(SharedChat.class)
class SocketOpenIT {

    private static final int SOCKETS = 200;

    private final ChatCluster chat;

    SocketOpenIT(ChatCluster chat) {
        this.chat = chat;
    }

    @Test
    void aClientCatchingUpAtReadyMissesNoMessagePostedRightBehindItsHandshake() {
        Person poster = Users.register(chat.nodeA(), "poster");
        Person reader = Users.register(chat.nodeB(), "reader");
        String room = Users.privateRoom(poster, reader);
        try (ChatSocketClient post = ChatSocketClient.connect(chat.nodeA(), poster.http())) {
            String first = Users.unique("c");
            post.post(room, "the first", first); // so that the room has a newest message to catch up after
            post.awaitAck(first);
            for (int i = 0; i < SOCKETS; i++) {
                var node = i % 2 == 0 ? chat.nodeB() : chat.nodeA();
                String lastSeen = newestId(reader, room);
                String text = Users.unique("behind-" + i + "-");
                try (ChatSocketClient fresh = ChatSocketClient.open(node, reader.http().on(node))) {
                    String clientMessageId = Users.unique("c");
                    post.post(room, text, clientMessageId);
                    fresh.awaitReady(); // the browser client catches up when this arrives
                    boolean caughtUp = reader.http().on(node).get("/api/room/" + room + "/messages?after=" + lastSeen).array().stream()
                            .anyMatch(m -> text.equals(m.asJsonObject().getString("message")));
                    if (!caughtUp) {
                        String where = "socket " + i + " on " + node.baseUrl() + " (after " + lastSeen + ")";
                        awaitLive(fresh, text, () -> where + ": " + whatBecameOf(post, clientMessageId, reader, room));
                    }
                    assertTrue(caughtUp || fresh.messages().stream().anyMatch(m -> text.equals(m.getString("message"))));
                }
            }
        }
    }

    private static void awaitLive(ChatSocketClient socket, String text, Supplier<String> context) {
        try {
            Await.until("'" + text + "' live", Duration.ofSeconds(10),
                    () -> socket.messages().stream().anyMatch(m -> text.equals(m.getString("message"))));
        } catch (AssertionError missing) {
            throw new AssertionError(missing.getMessage() + " on " + context.get() + "; the socket "
                    + (socket.isClosed() ? "closed (" + socket.awaitClose() + ")" : "open") + " with events " + socket.events(), missing);
        }
    }

    /** For a failure's message: what the poster heard back and where the message is stored, if at all. */
    private static String whatBecameOf(ChatSocketClient post, String clientMessageId, Person reader, String room) {
        List<String> answers = post.events().stream()
                .filter(e -> e.get("data") instanceof JsonObject d && clientMessageId.equals(d.getString("clientMessageId", null)))
                .map(JsonObject::toString).toList();
        List<String> stored = reader.http().get("/api/room/" + room + "/messages?size=5").array().stream()
                .map(m -> m.asJsonObject().getString("id") + "=" + m.asJsonObject().getString("message")).toList();
        return "answers to the post " + answers + ", newest stored " + stored;
    }

    private static String newestId(Person person, String room) {
        List<JsonValue> page = person.http().get("/api/room/" + room + "/messages?size=1").array();
        JsonObject newest = page.get(0).asJsonObject();
        return newest.getString("id");
    }
}
