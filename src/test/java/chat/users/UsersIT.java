package chat.users;

import chat.testing.ChatCluster;
import chat.testing.Await;
import chat.testing.ChatHttp;
import java.time.Duration;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatSocketClient;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedChat.class)
class UsersIT {

    private final ChatCluster chat;

    UsersIT(ChatCluster chat) {
        this.chat = chat;
    }

    @Test
    void usersByIdAreKeyedByIdWithTheirOnlineFlag() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            Await.until("bob online", Duration.ofSeconds(10),
                    () -> ann.http().get("/api/users/online").object().containsKey(bob.id()));
            Reply reply = ann.http().get("/api/users?ids=" + ann.id() + "&ids=" + bob.id() + "&ids=987654321");
            assertEquals(200, reply.status());
            JsonObject users = reply.object();
            assertEquals(2, users.size(), "unknown ids are left out");
            assertEquals(ann.username(), users.getJsonObject(ann.id()).getString("username"));
            assertEquals(ann.id(), users.getJsonObject(ann.id()).getString("id"));
            assertFalse(users.getJsonObject(ann.id()).getBoolean("online"));
            assertTrue(users.getJsonObject(bob.id()).getBoolean("online"));

            JsonObject online = ann.http().get("/api/users/online").object();
            assertEquals(bob.username(), online.getJsonObject(bob.id()).getString("username"));
            assertTrue(online.getJsonObject(bob.id()).getBoolean("online"));
            assertFalse(online.containsKey(ann.id()));
        }
    }

    @Test
    void usersNeedASessionAndValidIds() {
        Person ann = Users.register(chat.nodeA(), "ann");
        assertEquals(401, new ChatHttp(chat.nodeA()).get("/api/users?ids=1").status());
        assertEquals(401, new ChatHttp(chat.nodeA()).get("/api/users/online").status());
        assertEquals(400, ann.http().get("/api/users?ids=abc").status());
        assertEquals(200, ann.http().get("/api/users").status());
    }

    @Test
    void theLimitsAPageChecksAreTheNodesSettingsForAnyone() {
        Reply reply = new ChatHttp(chat.nodeA()).get("/api/limits"); // before signing in: the login form needs them
        assertEquals(200, reply.status(), reply.body());
        // The test nodes lower CHAT_MIN_PASSWORD_LENGTH to 1 (PayaraNode.UNLIMITED): the answer is the setting, not a default.
        assertEquals(1, reply.object().getInt("minPasswordLength"));
        assertEquals(5000, reply.object().getInt("maxMessageLength"));
        assertEquals(500, reply.object().getInt("catchUpLimit"));
        assertEquals(3, reply.object().size(), "nothing more: " + reply.body());
    }

    @Test
    void unknownPathsAndMethodsAnswerJsonWithoutInternals() {
        Person ann = Users.register(chat.nodeA(), "ann");
        for (Reply reply : new Reply[]{ann.http().get("/api/nothing"), ann.http().get("/api/login"),
                ann.http().post("/api/users", "{}")}) {
            assertTrue(reply.status() == 404 || reply.status() == 405, reply.status() + " " + reply.body());
            assertTrue(reply.object().containsKey("message"));
            assertFalse(reply.body().contains("Exception") || reply.body().contains("java."), reply.body());
        }
    }
}
