package chat.node;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node on an empty Redis, asked from the moment its port opens: every answer is a 503 with
 * {@code Retry-After} or a correct one. Before the start-up gate, logging in as the demo user
 * Pablo registered a new Pablo, because the demo data came after the first answers. A node writes
 * the demo data and joins the relay while it deploys, before its port opens; so that it is asked
 * while it cannot have, its Redis is away until the node first answers.
 */
class StartupGateIT {

    @Test
    void loginAsTheDemoUserDuringStartIsRefusedOrCorrectNeverARegistration() {
        try (RedisServerProcess redis = RedisServerProcess.start();
             PayaraNode node = launchWhileRedisIsAway(redis)) {
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            boolean handshakeRefused = false;
            boolean redisBack = false;
            String pabloId = null;
            int correct = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (correct < 5) {
                if (System.nanoTime() > deadline) {
                    fail("no correct login within 4 minutes; answers so far " + statuses + "; see " + node.log());
                }
                ChatHttp http = new ChatHttp(node);
                ChatHttp.Reply reply;
                try {
                    reply = http.login("Pablo", "password123");
                } catch (UncheckedIOException notListeningYet) {
                    pause(); // connection refused: the port is not open yet
                    continue;
                }
                statuses.merge(reply.status(), 1, Integer::sum);
                if (!redisBack) {
                    redis.startProcess(); // the node answers: now it may find its Redis
                    redisBack = true;
                }
                switch (reply.status()) {
                    case 503 -> {
                        if (reply.headers("Retry-After").isEmpty()) {
                            wrong.add("503 without Retry-After: " + abbreviate(reply.body()));
                        }
                        if (!handshakeRefused) {
                            handshakeRefused = socketRefusedWith503(node);
                        }
                    }
                    case 200 -> {
                        String id = reply.object().getString("id");
                        if (!"Pablo".equals(reply.object().getString("username")) || pabloId != null && !pabloId.equals(id)) {
                            wrong.add("200 for another user: " + abbreviate(reply.body()));
                        }
                        pabloId = id;
                        correct++;
                    }
                    default -> wrong.add(reply.status() + " " + abbreviate(reply.body()));
                }
            }
            assertEquals(List.of(), wrong, "answers while starting: " + statuses);
            assertTrue(statuses.getOrDefault(503, 0) > 0, "the node was asked while starting: " + statuses);
            assertTrue(handshakeRefused, "a WebSocket handshake while starting is refused with 503");
            try (RedisProbe probe = new RedisProbe(redis.url())) {
                assertEquals("user:" + pabloId, probe.get("username:Pablo"), "the demo Pablo, the only one");
            }
        }
    }

    /**
     * SIGTERM: the node says it is stopping for its grace before Payara undeploys the chat. Before, it
     * went on taking handshakes until then, and answered everything with the container's bare 503 and
     * 500 (no Retry-After, no JSON) for a second or so before its port closed (found from outside).
     */
    @Test
    void aStoppingNodeClosesItsSocketsRefusesNewOnesAndStillAnswersTheApiDuringItsGrace() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
             PayaraNode node = PayaraNode.start("stopping", redis.url(), Map.of("CHAT_SHUTDOWN_GRACE", "PT60S"))) {
            ChatHttp pablo = new ChatHttp(node);
            assertEquals(200, pablo.login("Pablo", "password123").status());
            try (ChatSocketClient socket = ChatSocketClient.connect(node, pablo)) {
                socket.awaitReady();
                assertTrue(node.jvm().destroy(), "SIGTERM sent");

                assertEquals(1001, socket.awaitClose(), "closed at once, so that its client reconnects to another node");
                ChatHttp.Reply ready = Await.value("readiness DOWN", Duration.ofSeconds(30), () -> {
                    ChatHttp.Reply health = new ChatHttp(node).get("/health/ready");
                    return health.status() == 503 ? health : null;
                });
                assertTrue(ready.body().contains("stopping"), ready.body());
                assertEquals(503, ChatSocketClient.refusal(node.wsUrl(), pablo.cookieHeader(), node.origin()), "a new handshake");
                ChatHttp.Reply probe = pablo.get("/ws");
                assertEquals(503, probe.status(), probe.body());
                assertEquals(List.of(StartupGate.RETRY_AFTER_SECONDS), probe.headers("Retry-After"));
                assertEquals("This chat node is stopping, try again shortly", probe.object().getString("message"));
                ChatHttp.Reply me = pablo.get("/api/me");
                assertEquals(200, me.status(), "the API still answers: " + me.body());
                assertEquals("Pablo", me.object().getString("username"));
                assertTrue(node.jvm().isAlive(), "all this within the grace, before the container stopped");
            }
            node.kill(); // rather than wait out the grace
        }
    }

    private static PayaraNode launchWhileRedisIsAway(RedisServerProcess redis) {
        redis.stop();
        return PayaraNode.launch("starting", redis.url(), Map.of());
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static void pause() {
        try {
            Thread.sleep(20); // polling interval while the port is closed, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A handshake during the start: true if refused with 503 (false if the node had started meanwhile). */
    private static boolean socketRefusedWith503(PayaraNode node) {
        try {
            ChatSocketClient.connect(node.wsUrl(), "", node.origin()).close();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof WebSocketHandshakeException refused && refused.getResponse().statusCode() == 503;
        }
    }
}
