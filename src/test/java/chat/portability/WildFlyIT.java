package chat.portability;

import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RedisCommand;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Scrape;
import chat.testing.Users;
import chat.testing.WildFlyServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same WAR, unchanged, on WildFly (default standalone.xml): login, send and receive over the
 * WebSocket, health and metrics; and a WildFly node and a Payara Micro node chatting through one
 * Redis. Runs with {@code mvn verify -Pportability} (which unpacks wildfly-dist); skipped otherwise.
 */
class WildFlyIT {

    static RedisServerProcess redis;
    static WildFlyServer wildfly;

    @BeforeAll
    static void start() {
        assumeTrue(WildFlyServer.home() != null, "WildFly not unpacked: run with -Pportability");
        redis = RedisServerProcess.start();
        wildfly = WildFlyServer.start("wildfly-1", redis.url());
    }

    @AfterAll
    static void stop() {
        if (wildfly != null) {
            wildfly.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void loginSendAndReceiveOverTheWebSocket() {
        ChatHttp ann = new ChatHttp(wildfly.baseUrl());
        ann.loggedIn(Users.unique("ann"), "pw");
        ChatHttp bob = new ChatHttp(wildfly.baseUrl());
        bob.loggedIn(Users.unique("bob"), "pw");
        assertEquals(200, ann.get("/api/room/0/preload").status());
        try (ChatSocketClient annSocket = ChatSocketClient.connect(wildfly.wsUrl(), ann.cookieHeader(), wildfly.baseUrl());
             ChatSocketClient bobSocket = ChatSocketClient.connect(wildfly.wsUrl(), bob.cookieHeader(), wildfly.baseUrl())) {
            String text = "hello from WildFly " + Users.unique("m");
            annSocket.sendMessage("0", text);
            JsonObject received = bobSocket.awaitMessage(text);
            assertEquals(text, received.getJsonObject("data").getString("message"));
            assertTrue(ann.get("/api/room/0/messages?offset=0&size=5").body().contains(text), "in history");
        }
        // the handshake guard works on Undertow too: no session, no socket
        assertEquals(401, ChatSocketClient.refusal(wildfly.wsUrl(), "", null));
        assertEquals(403, ChatSocketClient.refusal(wildfly.wsUrl(), ann.cookieHeader(), "http://evil.example"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ChatHttp http = new ChatHttp(wildfly.baseUrl());
        assertEquals(200, http.get("/health/live").status());
        assertEquals(200, http.get("/health/ready").status());
        assertTrue(Scrape.of(http.get("/metrics").body()).has("chat_sockets_connected"));
        assertTrue(http.get("/openapi").body().startsWith("openapi: 3"));
    }

    @Test
    void wildFlyAndPayaraMicroNodesChatThroughOneRedis() {
        try (PayaraNode payara = PayaraNode.start("payara-1", redis.url(), Map.of())) {
            payara.awaitHealthy();
            ChatHttp ann = new ChatHttp(wildfly.baseUrl());
            ann.loggedIn(Users.unique("ann"), "pw");
            ChatHttp bob = new ChatHttp(payara);
            bob.loggedIn(Users.unique("bob"), "pw");
            try (ChatSocketClient annSocket = ChatSocketClient.connect(wildfly.wsUrl(), ann.cookieHeader(), wildfly.baseUrl());
                 ChatSocketClient bobSocket = ChatSocketClient.connect(payara, bob)) {
                String there = "WildFly to Payara " + Users.unique("m");
                annSocket.sendMessage("0", there);
                awaitMessage(annSocket, there, "ann on WildFly", bobSocket);
                awaitMessage(bobSocket, there, "bob on Payara", annSocket);
                String back = "Payara to WildFly " + Users.unique("m");
                bobSocket.sendMessage("0", back);
                awaitMessage(bobSocket, back, "bob on Payara", annSocket);
                awaitMessage(annSocket, back, "ann on WildFly", bobSocket);
            }
            // a message the seed demo's Node.js server wrote (no id, numeric from): same JSON from both servers
            try (RedisProbe probe = new RedisProbe(redis.url())) {
                probe.client().getScoredSortedSet("room:0", org.redisson.client.codec.StringCodec.INSTANCE)
                        .add(4102444800.0, "{\"from\":1,\"date\":4102444800,\"message\":\"from a seed node\",\"roomId\":\"0\"}");
            }
            String path = "/api/room/0/messages?offset=0&size=20";
            JsonStructure onWildFly = ann.get(path).json();
            JsonStructure onPayara = ann.on(payara).get(path).json();
            assertEquals(onPayara, onWildFly, "the same history, in the same JSON, from both servers");
            assertEquals(ann.on(payara).get("/api/room/0/preload").json(), ann.get("/api/room/0/preload").json());
        }
    }

    /** A generous deadline: the first message through a freshly started node is slow on a busy machine. */
    private static void awaitMessage(ChatSocketClient socket, String text, String who, ChatSocketClient other) {
        try {
            socket.await("message", d -> d != null && text.equals(d.getString("message", null)), Duration.ofSeconds(60));
        } catch (AssertionError e) {
            ProcessHandle.allProcesses().filter(ph -> ph.info().commandLine().orElse("").contains("payara-payara-1-")).forEach(ph -> {
                try {
                    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(ph.pid()), "Thread.print")
                            .redirectOutput(Path.of("target/it/payara-threads-" + ph.pid() + ".txt").toFile()).start().waitFor();
                } catch (Exception ignored) {
                }
            });
            throw new AssertionError(who + " never got '" + text + "'; it got " + socket.events() + "; the other got " + other.events()
                    + "; subscribers of MESSAGES: " + RedisCommand.send(redis.port(), "PUBSUB", "NUMSUB", "MESSAGES"), e);
        }
    }
}
