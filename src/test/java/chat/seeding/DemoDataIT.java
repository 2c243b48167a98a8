package chat.seeding;

import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes started at the same moment against an empty Redis write the demo data exactly once. */
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
}
