package chat.api;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API calls whose body arrives with its headers (as a browser's small request, or anything nginx
 * forwards: it buffers request bodies) stay on their request thread. Through the async dispatch
 * every POST left Weld warnings (WELD-000714, -000225, -000335, -000715): Payara ends an async
 * request on the thread that completes it, and Weld keeps the CDI request context per thread.
 * Those whose body comes later still take that path, and their warnings are dropped from the log
 * ({@code ContainerLogNoise}): anyone could flood it with them. A node of its own: a context
 * leaked by another test's async request shows when its thread serves the next one.
 */
class QuietBodiesIT {

    static RedisServerProcess redisServer;
    static PayaraNode node;

    @BeforeAll
    static void start() {
        redisServer = RedisServerProcess.start();
        node = PayaraNode.start("quiet", redisServer.url());
    }

    @AfterAll
    static void stop() {
        node.close();
        redisServer.close();
    }

    @Test
    void apiCallsWhoseBodyCameWithTheHeadersLeaveNoWeldWarnings() throws IOException {
        long before = node.logLines("WELD-");
        for (int i = 0; i < 5; i++) {
            String body = Json.createObjectBuilder().add("username", Users.unique("quiet")).add("password", "correct horse").build().toString();
            assertTrue(post("/api/login", body, false).startsWith("HTTP/1.1 201"));
            assertTrue(post("/api/login", "{\"username\":", false).startsWith("HTTP/1.1 400"));
        }
        ChatHttp anyone = new ChatHttp(node);
        for (int i = 0; i < 20; i++) {
            assertEquals(200, anyone.get("/api/randomname").status());
        }
        assertEquals(before, node.logLines("WELD-"), "Weld warnings in " + node.log());
    }

    @Test
    void apiCallsWhoseBodyCameLaterLeaveNoWeldWarningsEither() throws IOException {
        long before = node.logLines("WELD-");
        for (int i = 0; i < 5; i++) {
            String body = Json.createObjectBuilder().add("username", Users.unique("later")).add("password", "correct horse").build().toString();
            assertTrue(post("/api/login", body, true).startsWith("HTTP/1.1 201"));
        }
        ChatHttp anyone = new ChatHttp(node);
        for (int i = 0; i < 20; i++) { // the threads that read those bodies serve other requests: Weld finds their leftovers
            assertEquals(200, anyone.get("/api/randomname").status());
        }
        // The node logs a malformed envelope from the channel; once that line is in, so is whatever was logged before it.
        String marker = "marker-" + java.util.UUID.randomUUID();
        try (RedisProbe redis = new RedisProbe(redisServer.url())) {
            redis.publish("MESSAGES", marker);
        }
        Await.until("the node logged the marker", Duration.ofSeconds(20), () -> node.logLines(marker) > 0);
        assertEquals(before, node.logLines("WELD-"), "Weld warnings in " + node.log());
    }

    /**
     * A body that completes while the container is still leaving the request's first dispatch
     * (right after the filter went async) is where Payara can lose the dispatch; such bodies are
     * dispatched once it has left. Each of these comes 0-39 ms after its headers, and each is answered.
     */
    @Test
    void bodiesThatFollowTheirHeadersByMillisecondsAreAllAnswered() throws IOException {
        for (int i = 0; i < 80; i++) {
            assertTrue(post("/api/login", "{\"username\":", Duration.ofMillis(i % 40)).startsWith("HTTP/1.1 400"), "request " + i);
        }
    }

    private static String post(String path, String body, boolean later) throws IOException {
        return post(path, body, later ? Duration.ofMillis(300) : null);
    }

    /**
     * Posts and answers the status line: headers and body in one write, as a proxy sends them, or
     * the body {@code after} the headers, as a slow client's comes.
     */
    private static String post(String path, String body, Duration after) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(20_000);
            socket.setTcpNoDelay(true);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            if (after != null) {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                Await.hold(after); // the client's schedule: the node reads the headers alone first
                socket.getOutputStream().write(bytes);
            } else {
                socket.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b; !line.toString().endsWith("\r\n") && (b = in.read()) != -1; ) {
                line.append((char) b);
            }
            return line.toString();
        }
    }
}
