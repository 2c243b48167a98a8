package chat.operations;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisServerProcess;
import chat.testing.Scrape;
import chat.testing.Users;
import chat.testing.WorkDirs;
import chat.testing.Users.Person;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees of two running nodes while people chat: readiness follows Redis,
 * /metrics counts what happened on each node, /openapi describes the API.
 */
class OperationsIT {

    static RedisServerProcess redis;
    static PayaraNode a;
    static PayaraNode b;

    @BeforeAll
    static void start() throws IOException {
        Path dir = WorkDirs.fresh("ops-");
        redis = RedisServerProcess.start(Ports.free(), dir, true);
        a = PayaraNode.launch("ops-a", redis.url(), Map.of());
        b = PayaraNode.launch("ops-b", redis.url(), Map.of());
        a.awaitReady();
        b.awaitReady();
        a.awaitHealthy();
        b.awaitHealthy();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        redis.close();
    }

    @Test
    void metricsCountChattingAcrossTwoNodes() {
        Person ann = Users.register(a, "ann");
        Person bob = Users.register(b, "bob");
        Scrape beforeA = Scrape.of(a);
        Scrape beforeB = Scrape.of(b);
        try (ChatSocketClient annSocket = ChatSocketClient.connect(a, ann.http());
             ChatSocketClient bobSocket = ChatSocketClient.connect(b, bob.http())) {
            Await.until("both sockets counted", Duration.ofSeconds(20),
                    () -> Scrape.of(a).value("chat_sockets_connected") >= 1 && Scrape.of(b).value("chat_sockets_connected") >= 1);
            for (int i = 0; i < 3; i++) {
                String text = "metered " + i + " " + ann.username();
                annSocket.sendMessage("0", text);
                bobSocket.awaitMessage(text);
            }
            annSocket.send("{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"   \"}}");
            annSocket.await("error", d -> true);
            assertEquals(401, new ChatHttp(a).login(ann.username(), "wrong password").status());

            Scrape afterA = Scrape.of(a);
            Scrape afterB = Scrape.of(b);
            System.out.println("--- /metrics of node ops-a while chatting ---\n" + afterA.text());
            assertTrue(afterA.value("chat_messages_sent_total") >= beforeA.value("chat_messages_sent_total") + 3, "sent on A");
            // B delivered the three messages to Bob's socket: relayed from A, with the relay lag measured
            assertTrue(afterB.value("chat_messages_delivered_total") >= beforeB.value("chat_messages_delivered_total") + 3,
                    "delivered on B");
            assertTrue(afterB.value("chat_relay_lag_seconds_count") >= beforeB.value("chat_relay_lag_seconds_count") + 3,
                    "relay lag samples on B");
            assertTrue(afterB.has("chat_relay_lag_seconds_bucket{le=\"+Inf\"}"));
            assertTrue(afterA.value("chat_redis_command_seconds_count{operation=\"store_message\"}")
                    >= beforeA.value("chat_redis_command_seconds_count{operation=\"store_message\"}") + 3, "Redis latency of stores");
            assertTrue(afterA.value("chat_frames_rejected_total{status=\"400\"}")
                    >= beforeA.value("chat_frames_rejected_total{status=\"400\"}") + 1, "rejected frame");
            assertTrue(afterA.value("chat_login_failures_total{reason=\"wrong_password\"}")
                    >= beforeA.value("chat_login_failures_total{reason=\"wrong_password\"}") + 1, "login failure");
            assertTrue(afterA.value("chat_sockets_connected") >= 1);
            assertTrue(afterA.has("chat_messages_sent_per_second") && afterB.has("chat_messages_delivered_per_second"));
            // every histogram's +Inf bucket equals its count
            assertEquals(afterB.value("chat_relay_lag_seconds_count"), afterB.value("chat_relay_lag_seconds_bucket{le=\"+Inf\"}"));
        }
        Await.until("sockets no longer counted on A", Duration.ofSeconds(20),
                () -> Scrape.of(a).value("chat_sockets_connected") == 0);
    }

    @Test
    void openApiDocumentIsServedAndDescribesTheApi() throws IOException {
        ChatHttp.Reply reply = new ChatHttp(a).get("/openapi");
        assertEquals(200, reply.status());
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(reply.body());
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        assertTrue(doc.get("paths").has("/api/login"));
        assertTrue(doc.get("paths").get("/api/room/{roomId}/messages").has("get"));
    }

    @Test
    void readinessFollowsRedisWhileLivenessStaysUp() {
        ChatHttp http = new ChatHttp(a);
        assertEquals(200, http.get("/health/ready").status());
        JsonObject ready = http.get("/health/ready").object();
        assertEquals("UP", ready.getString("status"));
        assertEquals(200, http.get("/health/live").status());

        redis.stop();
        try {
            Await.until("readiness DOWN without Redis", Duration.ofSeconds(30), () -> http.get("/health/ready").status() == 503);
            JsonObject down = http.get("/health/ready").object();
            assertEquals("DOWN", down.getString("status"));
            JsonObject redisCheck = down.getJsonArray("checks").getJsonObject(0);
            assertEquals("no answer", redisCheck.getJsonObject("data").getString("detail"));
            String cause = redisCheck.getJsonObject("data").getString("cause");
            assertTrue(cause.matches("\\w+"), "the operator on this machine learns the kind of error, and no address: " + down);
            // Through a proxy (the shipped nginx passes /health on to anyone) the error's text, which named the
            // Redis's address and connection pool, stays in the node: up or down, and what is down.
            ChatHttp.Reply proxied = ChatHttp.send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(a.baseUrl() + "/health/ready"))
                    .header("X-Forwarded-For", "203.0.113.9"));
            assertEquals(503, proxied.status());
            assertFalse(proxied.body().contains("cause") || proxied.body().contains("Exception"), proxied.body());
            assertEquals(200, http.get("/health/live").status(), "a restart would not bring Redis back: still live");
        } finally {
            redis.startProcess();
        }
        Await.until("readiness UP again with Redis back", Duration.ofSeconds(60), () -> http.get("/health/ready").status() == 200);
        Await.until("node B ready too", Duration.ofSeconds(60), () -> new ChatHttp(b).get("/health/ready").status() == 200);
    }
}
