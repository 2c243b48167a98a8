package chat.redis;

import chat.messages.entity.MessageId;
import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisCommand;
import chat.testing.RedisServerProcess;
import chat.testing.ChatSocketClient;
import chat.testing.Users;
import chat.testing.WorkDirs;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While Redis is gone requests fail fast with 503 and messages are refused; when it is back
 * (with its data, kept by AOF) the same nodes serve again, the relay is re-subscribed, and every
 * accepted message is in history and reaches every client exactly once after catch-up.
 */
class RedisOutageIT {

    static RedisServerProcess redis;
    static PayaraNode node;
    static PayaraNode other;

    @BeforeAll
    static void start() {
        Path dir = WorkDirs.fresh("outage-");
        redis = RedisServerProcess.start(Ports.free(), dir, true);
        // The product's outbound queue (empty = unset), not the tests' 256 events: a socket that posts 300 times back to
        // back gets an answer and its own copy of each, in bursts when Redis comes back, and a busy CI machine's client
        // once fell 257 behind and was dropped as a slow consumer, which is another test's subject.
        Map<String, String> productQueue = Map.of("CHAT_OUTBOUND_QUEUE_LIMIT", "");
        node = PayaraNode.launch("outage-a", redis.url(), productQueue);
        other = PayaraNode.launch("outage-b", redis.url(), productQueue);
        node.awaitReady();
        other.awaitReady();
    }

    @AfterAll
    static void stop() {
        node.close();
        other.close();
        redis.close();
    }

    @Test
    void aRedisRestartMidChatLosesNoAcceptedMessageAndDuplicatesNone() {
        Person ann = Users.register(node, "ann");
        Person bob = Users.register(other, "bob");
        String roomId = Users.privateRoom(ann, bob);
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http());
             ChatSocketClient b = ChatSocketClient.connect(other, bob.http())) {
            for (int i = 0; i < 10; i++) {
                a.sendMessage(roomId, "before " + i);
            }
            String lastSeenByBob = b.awaitMessage("before 9").getJsonObject("data").getString("id");

            redis.stop();
            for (int i = 0; i < 5; i++) {
                a.sendMessage(roomId, "during " + i);
            }
            Await.until("5 refusals", Duration.ofSeconds(30), () -> a.events("error").size() >= 5);

            redis.startProcess();
            Await.until("the node to serve again", Duration.ofSeconds(30), () -> ann.http().get("/api/me").status() == 200);
            for (int i = 0; i < 10; i++) {
                a.sendMessage(roomId, "after " + i);
            }
            Await.until("answers to all 10", Duration.ofSeconds(30), () -> a.events("error").size()
                    + a.messages().stream().filter(m -> m.getString("message").startsWith("after ")).count() >= 15);
            List<String> accepted = a.messages().stream().map(m -> m.getString("message")).toList();
            assertTrue(accepted.stream().noneMatch(t -> t.startsWith("during")), "nothing was accepted while Redis was away");

            // Live delivery resumes across nodes: the relay is subscribed again.
            Await.until("relay back", Duration.ofSeconds(30), () -> {
                String probe = "probe " + System.nanoTime();
                a.sendMessage(roomId, probe);
                try {
                    b.await("message", d -> d != null && probe.equals(d.getString("message")), Duration.ofSeconds(2));
                    return true;
                } catch (AssertionError notYet) {
                    return false;
                }
            });
            List<String> history = readOnBobsNode(bob, "/api/room/" + roomId + "/messages?size=100").stream()
                    .map(m -> m.asJsonObject().getString("message")).toList();
            // Each node follows the room on its own: Bob's may pass the probe on before Ann's node
            // has caught up, so Ann's copy of each stored probe is awaited, not assumed.
            history.stream().filter(t -> t.startsWith("probe ")).forEach(a::awaitMessage);
            List<String> acceptedTexts = a.messages().stream().map(m -> m.getString("message")).toList();

            assertEquals(new java.util.TreeSet<>(acceptedTexts), new java.util.TreeSet<>(history));
            assertEquals(acceptedTexts.size(), history.size());

            // Bob's client: what it saw live, plus catch-up after the last message it saw before the outage.
            java.util.Map<String, String> bobSees = new java.util.LinkedHashMap<>();
            b.messages().forEach(m -> bobSees.put(m.getString("id"), m.getString("message")));
            readOnBobsNode(bob, "/api/room/" + roomId + "/messages?after=" + lastSeenByBob)
                    .forEach(m -> bobSees.put(m.asJsonObject().getString("id"), m.asJsonObject().getString("message")));
            assertEquals(acceptedTexts.stream().sorted().toList(), bobSees.values().stream().sorted().toList(),
                    "every accepted message exactly once");
        }
    }

    @Test
    void postsSentBackToBackAcrossARedisRestartAreEachStoredOnceAndKeepTheirOrder() {
        Person ann = Users.register(node, "ann");
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http())) {
            String run = Users.unique("restart-");
            int count = 300;
            // Without waiting for answers: posts are with Redis or queued behind them when it stops
            for (int i = 0; i < count; i++) {
                if (i == 100) {
                    redis.stop();
                }
                a.post("0", run + "-" + i, run + "c" + i);
            }
            redis.startProcess();
            Map<Integer, JsonObject> firstAnswers = new java.util.TreeMap<>();
            for (int i = 0; i < count; i++) {
                firstAnswers.put(i, answer(a, run + "c" + i, 0));
            }
            // A client sends again, with the same id, what it was not told was stored (as the browser's outbox does)
            Map<Integer, String> storedIds = new java.util.TreeMap<>();
            firstAnswers.forEach((i, first) -> {
                JsonObject answer = first;
                for (int attempt = 1; !"message.ack".equals(answer.getString("type")); attempt++) {
                    assertTrue(attempt < 20, "post " + i + " stored within 20 tries: " + answer);
                    a.post("0", run + "-" + i, run + "c" + i);
                    answer = answer(a, run + "c" + i, attempt);
                }
                storedIds.put(i, answer.getJsonObject("data").getString("id"));
            });
            List<?> stored = ((List<?>) RedisCommand.send(redis.port(), "ZRANGE", "room:0", "0", "-1")).stream()
                    .filter(m -> m.toString().contains(run + "-")).toList();
            assertEquals(count, stored.size(), "each post stored once");
            assertEquals(count, new java.util.HashSet<>(storedIds.values()).size(), "each answered with its own message");
            List<Long> acceptedAtOnce = firstAnswers.entrySet().stream().filter(e -> "message.ack".equals(e.getValue().getString("type")))
                    .map(e -> MessageId.parse(storedIds.get(e.getKey())).orElseThrow().sequence()).toList();
            assertTrue(acceptedAtOnce.size() >= 100, "the posts before the stop were stored: " + acceptedAtOnce.size());
            assertEquals(acceptedAtOnce.stream().sorted().toList(), acceptedAtOnce, "what was stored at the first try, in the order sent");
        }
    }

    /** The {@code n}-th answer (0: the first) naming this client message id: an ack or an error frame. */
    private static JsonObject answer(ChatSocketClient socket, String clientMessageId, int n) {
        return Await.value("answer " + n + " to " + clientMessageId, Duration.ofSeconds(40), () -> {
            List<JsonObject> answers = socket.events().stream().filter(e -> e.get("data") instanceof JsonObject d
                    && clientMessageId.equals(d.getString("clientMessageId", null))).toList();
            return answers.size() > n ? answers.get(n) : null;
        });
    }

    @Test
    void requestsFailWithin3SecondsWith503AndRecoverWhenRedisReturns() {
        ChatHttp http = new ChatHttp(node);
        http.loggedIn("Pablo", "password123");
        assertEquals(200, http.get("/api/me").status());

        redis.stop();
        // The plain GET of /ws is how the browser client asks whether to wait before reconnecting.
        for (String path : new String[]{"/api/me", "/api/rooms/1", "/api/room/0/messages", "/ws"}) {
            Reply reply = withDeadline(http, path, Duration.ofSeconds(3));
            assertEquals(503, reply.status(), path + " " + reply.body());
            assertEquals(List.of("1"), reply.headers("Retry-After"), path + ": when to ask again");
            assertTrue(reply.object().getString("message").length() > 0);
            assertFalse(reply.body().contains("Exception"), reply.body());
        }
        Reply login = http.post("/api/login", "{\"username\":\"Joe\",\"password\":\"password123\"}");
        assertEquals(503, login.status(), login.body());

        redis.startProcess();
        Await.until("the node to serve again", Duration.ofSeconds(30), () -> http.get("/api/me").status() == 200);
        assertEquals(200, new ChatHttp(node).login("Joe", "password123").status());
    }

    /** Fails the test if the answer takes longer than the deadline (the bound, not a benchmark). */
    private static Reply withDeadline(ChatHttp http, String path, Duration deadline) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(deadline.plusMillis(500))
                .header("Cookie", http.cookieHeader()).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (HttpTimeoutException e) {
            throw new AssertionError(path + " did not answer within " + deadline);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bob's node reconnects its Redis connections on its own schedule (the test awaited only
     * Ann's), and answers 503 until it has: read once it serves.
     */
    private static List<JsonValue> readOnBobsNode(Person bob, String path) {
        AtomicReference<List<JsonValue>> page = new AtomicReference<>();
        Await.until("Bob's node to serve " + path, Duration.ofSeconds(30), () -> {
            Reply reply = bob.http().get(path);
            if (reply.status() != 200) {
                return false;
            }
            page.set(reply.array());
            return true;
        });
        return page.get();
    }
}
