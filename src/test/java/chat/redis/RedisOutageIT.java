package chat.redis;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisServerProcess;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** While Redis is gone requests fail fast with 503; when it is back the same node serves again. */
class RedisOutageIT {

    static RedisServerProcess redis;
    static PayaraNode node;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("chat.test.workDir", "target/it")), "outage-");
        redis = RedisServerProcess.start(Ports.free(), dir, true);
        node = PayaraNode.start("outage", redis.url());
    }

    @AfterAll
    static void stop() {
        node.close();
        redis.close();
    }

    @Test
    void requestsFailWithin3SecondsWith503AndRecoverWhenRedisReturns() {
        ChatHttp http = new ChatHttp(node);
        http.loggedIn("Pablo", "password123");
        assertEquals(200, http.get("/api/me").status());

        redis.stop();
        for (String path : new String[]{"/api/me", "/api/rooms/1", "/api/room/0/messages"}) {
            Reply reply = withDeadline(http, path, Duration.ofSeconds(3));
            assertEquals(503, reply.status(), path + " " + reply.body());
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
}
