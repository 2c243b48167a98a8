package chat.api;

import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.RedisServerProcess;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request whose body arrives after its headers is read without a thread and then dispatched
 * to the API; the API call may take longer than the body's deadline (a login queued for bcrypt, a
 * Redis that is slow to answer). It gets the API's answer, never the container's 500 for an
 * async request that timed out (seen on a busy CI machine before the body's deadline became
 * the filter's own). A node whose bodies must arrive within 2 s.
 */
class SlowApiCallIT {

    static RedisServerProcess redis;
    static PayaraNode node;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        node = PayaraNode.start("slow-api", redis.url(), Map.of("CHAT_REQUEST_BODY_TIMEOUT", "PT2S"));
    }

    @AfterAll
    static void stop() {
        node.close();
        redis.close();
    }

    @Test
    void anApiCallOutlastingTheBodyDeadlineGetsItsOwnAnswer() throws Exception {
        String body = Json.createObjectBuilder().add("username", "slowpoke").add("password", "correct horse").build().toString();
        assertEquals(201, new ChatHttp(node).login("slowpoke", "correct horse").status());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            hold(300); // the body follows the headers, so the node reads it without a thread
            signal("STOP"); // Redis frozen: the login's Redis calls wait, then time out
            try {
                out.write(bytes);
                out.flush();
                hold(3_000); // beyond the body's 2 s deadline, counted from the headers
            } finally {
                signal("CONT");
            }
            String status = statusLine(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 200") || status.startsWith("HTTP/1.1 503"),
                    "the API's answer (200, or 503 while Redis did not answer), not the container's: " + status);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; !line.toString().endsWith("\r\n") && (b = in.read()) != -1; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    private static void signal(String signal) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(redis.pid())).inheritIO().start().waitFor());
    }

    /** Holds a fault or a gap for its duration (not synchronisation: nothing is awaited). */
    private static void hold(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
