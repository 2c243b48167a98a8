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

import static org.junit.jupiter.api.Assertions.assertTrue;

/** No window between the handshake and the server knowing the socket (docs/PROTOCOL.md, {@code ready}). */
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
        try (ChatSocketClient post = ChatSocketClient.connect(chat.nodeA(), poster.http())) {
            for (int i = 0; i < SOCKETS; i++) {
                var node = i % 2 == 0 ? chat.nodeB() : chat.nodeA();
                String lastSeen = newestId(reader);
                String text = Users.unique("behind-" + i + "-");
                try (ChatSocketClient fresh = ChatSocketClient.open(node, reader.http().on(node))) {
                    post.post("0", text, Users.unique("c"));
                    fresh.awaitReady(); // the browser client catches up when this arrives
                    boolean caughtUp = reader.http().on(node).get("/api/room/0/messages?after=" + lastSeen).array().stream()
                            .anyMatch(m -> text.equals(m.asJsonObject().getString("message")));
                    if (!caughtUp) {
                        Await.until("'" + text + "' live on socket " + i, Duration.ofSeconds(10),
                                () -> fresh.messages().stream().anyMatch(m -> text.equals(m.getString("message"))));
                    }
                    assertTrue(caughtUp || fresh.messages().stream().anyMatch(m -> text.equals(m.getString("message"))));
                }
            }
        }
    }

    private static String newestId(Person person) {
        List<JsonValue> page = person.http().get("/api/room/0/messages?size=1").array();
        JsonObject newest = page.get(0).asJsonObject();
        return newest.getString("id");
    }
}
