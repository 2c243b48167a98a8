package chat.seeding;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mindrot.jbcrypt.BCrypt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes started at the same moment against an empty Redis write the demo data exactly once,
 * and write it again when Redis comes back without its data; the sockets of the users it forgot
 * close before anyone can take their ids. The tests that empty Redis run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoDataIT {

    static RedisServerProcess redisServer;
    static RedisProbe redis;
    static PayaraNode one;
    static PayaraNode two;

    @BeforeAll
    static void startTwoNodesTogether() {
        redisServer = RedisServerProcess.start();
        redis = new RedisProbe(redisServer.url());
        one = PayaraNode.launch("seed-1", redisServer.url(), Map.of());
        two = PayaraNode.launch("seed-2", redisServer.url(), Map.of());
        one.awaitReady();
        two.awaitReady();
        chat.testing.Await.until("demo data", Duration.ofSeconds(60), () -> redis.zrange("room:0").size() >= 4);
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
        redis.close();
        redisServer.close();
    }

    @Test
    void theDemoUsersExistOnceInTheSeedLayout() {
        assertEquals("4", redis.get("total_users"));
        List<String> names = List.of("Pablo", "Joe", "Mary", "Alex");
        Set<String> ids = new TreeSet<>();
        for (String name : names) {
            String ref = redis.get("username:" + name);
            assertTrue(ref != null && ref.startsWith("user:"), name + " → " + ref);
            String id = ref.substring(5);
            ids.add(id);
            Map<String, String> user = redis.hash("user:" + id);
            assertEquals(Set.of("username", "password"), user.keySet());
            assertEquals(name, user.get("username"));
            assertTrue(BCrypt.checkpw("password123", user.get("password")));
            assertTrue(user.get("password").startsWith("$2a$10$"));
            assertTrue(redis.set("user:" + id + ":rooms").contains("0"));
        }
        assertEquals(Set.of("1", "2", "3", "4"), ids);
        assertEquals("General", redis.get("room:0:name"));
    }

    @Test
    void everyPairHasAPrivateRoomWithOneGreetingAndGeneralHasItsMessagesOnce() {
        for (int a = 1; a <= 4; a++) {
            for (int b = a + 1; b <= 4; b++) {
                String roomId = a + ":" + b;
                List<String> messages = redis.zrange("room:" + roomId);
                assertEquals(1, messages.size(), roomId + " " + messages);
                JsonObject message = Json.createReader(new StringReader(messages.get(0))).readObject();
                assertEquals(roomId, message.getString("roomId"));
                assertTrue(message.getString("from").equals(String.valueOf(a)) || message.getString("from").equals(String.valueOf(b)));
                assertTrue(message.getJsonNumber("date").isIntegral());
                assertTrue(redis.set("user:" + a + ":rooms").contains(roomId));
                assertTrue(redis.set("user:" + b + ":rooms").contains(roomId));
            }
        }
        assertEquals(4, redis.zrange("room:0").size());
    }

    @Test
    void demoUsersLogInOnEitherNode() {
        ChatHttp onOne = new ChatHttp(one);
        assertEquals(200, onOne.login("Pablo", "password123").status());
        ChatHttp onTwo = new ChatHttp(two);
        assertEquals(200, onTwo.login("Alex", "password123").status());
        assertEquals(4, onTwo.get("/api/rooms/4").array().size(), "General and three private rooms");
    }

    /**
     * This Redis keeps nothing on disk, so a restart empties it: the nodes notice and write the
     * demo data again, and meanwhile no one can register a demo user's name with a password of
     * their own (before, the first login as Mary after the restart registered a new Mary).
     */
    @Test
    @Order(Order.DEFAULT + 1)
    void aRedisThatComesBackEmptyGetsTheDemoDataBackAndNoOneTakesADemoNameMeanwhile() throws Exception {
        ChatHttp joesBrowser = new ChatHttp(one);
        assertEquals(200, joesBrowser.login("Joe", "password123").status());
        String deviceCookie = joesBrowser.cookie("chat_device_2").orElseThrow().getValue();
        String joesHashBefore = redis.hash("user:2").get("password");
        redisServer.stop();
        redisServer.startProcess();
        ChatHttp intruder = new ChatHttp(one);
        List<Integer> answers = new ArrayList<>();
        chat.testing.Await.until("demo data written again", Duration.ofSeconds(60), () -> {
            answers.add(intruder.login("Mary", "not-marys-password").status());
            return "4".equals(redis.get("total_users")) && redis.zrange("room:0").size() >= 4;
        });
        assertFalse(answers.isEmpty());
        assertTrue(answers.stream().allMatch(status -> status == 401 || status == 429 || status == 503),
                "Mary's name was never registered anew: " + answers);
        assertEquals("user:3", redis.get("username:Mary"));
        assertTrue(BCrypt.checkpw("password123", redis.hash("user:3").get("password")));
        assertEquals("General", redis.get("room:0:name"));
        one.awaitReady();
        two.awaitReady();
        // The node that signed Joe's device cookie puts its key back, and signs with what Redis holds, as every node does.
        assertEquals(200, joesBrowser.login("Joe", "password123").status());
        String key = redis.get("chat:device-cookie-key");
        assertTrue(key != null, "the shared device-cookie key is in Redis again");
        // Joe's password hash was written anew (a new salt), so his old cookie no longer counts; it was signed with the key restored.
        assertTrue(signedWith(key, "2", joesHashBefore, deviceCookie), "Joe's device cookie was signed with the shared key");
        ChatHttp joe = new ChatHttp(two); // a browser new to Joe, on the other node
        assertEquals(200, joe.login("Joe", "password123").status());
        assertEquals("2", joe.get("/api/me").object().getString("id"));
        assertTrue(signedWith(key, "2", redis.hash("user:2").get("password"), joe.cookie("chat_device_2").orElseThrow().getValue()),
                "the other node signs with it too");
    }

    /**
     * Redis restarted without its data starts the users' ids over, while Eve, whom it forgot, still
     * has a socket open on each node. The first newcomer to get her id must not receive on her
     * sockets what is meant for him: they close (their session went with the data) before anyone can
     * register. Before, they stayed open until the next ping's session check, and Pablo's private
     * message to the newcomer reached Eve.
     */
    @Test
    @Order(Order.DEFAULT + 2)
    void theSocketsOfAUserTheDataLossForgotCloseBeforeAnyoneCanGetTheirId() {
        Person eve = eveRegisteredOn(two);
        try (ChatSocketClient eveOnOne = ChatSocketClient.connect(one, eve.http());
             ChatSocketClient eveOnTwo = ChatSocketClient.connect(two, eve.http())) {
            eveOnOne.awaitReady();
            eveOnTwo.awaitReady();
            redisServer.stop();
            redisServer.startProcess();

            AtomicReference<Person> heir = new AtomicReference<>();
            List<Integer> refused = new ArrayList<>();
            Await.until("a newcomer with Eve's id " + eve.id(), Duration.ofSeconds(60), () -> {
                ChatHttp newcomer = new ChatHttp(one);
                String name = Users.unique("heir");
                ChatHttp.Reply reply = newcomer.login(name, "pw-heir-1234");
                if (reply.status() == 201 && reply.object().getString("id").equals(eve.id())) {
                    heir.set(new Person(eve.id(), name, newcomer));
                } else if (reply.status() != 201) {
                    refused.add(reply.status());
                }
                return heir.get() != null || Long.parseLong(redis.get("total_users") == null ? "0" : redis.get("total_users"))
                        >= Long.parseLong(eve.id());
            });
            assertTrue(heir.get() != null, "the first newcomer after the demo users has Eve's id " + eve.id());
            assertTrue(refused.stream().allMatch(status -> status == 503 || status == 429), "registrations were refused meanwhile: " + refused);
            assertTrue(eveOnOne.isClosed() && eveOnTwo.isClosed(), "Eve's sockets closed before the newcomer registered");

            ChatHttp pablo = new ChatHttp(one);
            pablo.loggedIn("Pablo", "password123");
            String roomId = pablo.post("/api/room", "{\"user1\": \"1\", \"user2\": \"" + eve.id() + "\"}").object().getString("id");
            try (ChatSocketClient heirsSocket = ChatSocketClient.connect(two, heir.get().http());
                 ChatSocketClient pablosSocket = ChatSocketClient.connect(one, pablo)) {
                heirsSocket.awaitReady();
                String secret = Users.unique("for the newcomer only");
                pablosSocket.sendMessage(roomId, secret);
                heirsSocket.awaitMessage(secret);
                assertTrue(eveOnOne.messages().stream().noneMatch(m -> secret.equals(m.getString("message")))
                        && eveOnTwo.messages().stream().noneMatch(m -> secret.equals(m.getString("message"))),
                        "Eve's sockets never heard the newcomer's private message");
            }
        }
    }

    /**
     * The user counter lost alone (evicted by an evicting {@code maxmemory-policy}, found from outside)
     * while the users stay. Before, its absence meant an empty Redis: the demo data was written again
     * (deleting the demo users' hashes for good), and the next newcomers took existing users' ids,
     * with their rooms, history and live sessions. Now the counter is set again from the users' keys.
     */
    @Test
    @Order(Order.DEFAULT + 3)
    void aUserCounterLostAloneIsSetAgainAndNoOneIsNumberedOverAnExistingUser() {
        Person eve = eveRegisteredOn(one);
        String general = redis.zrange("room:0").toString();

        redis.client().getBucket("total_users").delete();
        ChatHttp newcomer = new ChatHttp(two);
        Await.until("a newcomer registered", Duration.ofSeconds(30),
                () -> newcomer.login(Users.unique("newcomer"), "pw-new-1234").status() == 201);

        assertTrue(Long.parseLong(newcomer.get("/api/me").object().getString("id")) > Long.parseLong(eve.id()),
                "the newcomer is numbered after Eve");
        assertEquals(eve.username(), eve.http().get("/api/me").object().getString("username"), "Eve's session is still hers");
        assertEquals(200, new ChatHttp(one).login(eve.username(), "pw-eve-1234").status());
        assertEquals(200, new ChatHttp(one).login("Pablo", "password123").status(), "the demo users were not written over");
        assertEquals(general, redis.zrange("room:0").toString(), "nor General's messages written again");
    }

    /** A new user, Eve (password "pw-eve-1234"); registrations wait a few seconds after an earlier test's restart without data. */
    private static Person eveRegisteredOn(PayaraNode node) {
        AtomicReference<Person> registered = new AtomicReference<>();
        Await.until("Eve registered", Duration.ofSeconds(60), () -> {
            ChatHttp http = new ChatHttp(node);
            String name = Users.unique("eve");
            ChatHttp.Reply reply = http.login(name, "pw-eve-1234");
            if (reply.status() == 201) {
                registered.set(new Person(reply.object().getString("id"), name, http));
            }
            return registered.get() != null;
        });
        return registered.get();
    }

    /** Whether a device cookie's value ({@code nonce.signature}) is signed for the user with this key (docs/SECURITY.md). */
    private static boolean signedWith(String key, String userId, String passwordHash, String cookieValue) throws GeneralSecurityException {
        String[] parts = cookieValue.split("\\.");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return parts.length == 2 && parts[1].equals(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((userId + "." + parts[0] + "." + passwordHash).getBytes(StandardCharsets.UTF_8))));
    }
}
