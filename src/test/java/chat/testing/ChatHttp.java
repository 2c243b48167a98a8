package chat.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One browser-like HTTP client (own cookie jar) talking to one node. */
public final class ChatHttp {

    /** The {@code CHAT_METRICS_TOKEN} the test nodes get (see {@link PayaraNode#UNLIMITED}). */
    public static final String METRICS_TOKEN = "test-metrics-token";

    private final String baseUrl;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    /**
     * HTTP/1.1, as browsers speak it in clear text: the JDK's default (HTTP/2) offers an h2c upgrade on
     * every connection, which the nodes decline (payara/listener-closed.asadmin), closing each connection
     * after one answer (FuzzIT checks that such clients are still answered); and the seed's Node.js
     * server hands every upgrade request to socket.io, which drops those that are not its own.
     */
    public ChatHttp(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public ChatHttp(ChatNode node) {
        this(node.baseUrl());
    }

    /** The same cookie jar against another node (a load balancer may send any request anywhere). */
    public ChatHttp on(ChatNode node) {
        ChatHttp other = new ChatHttp(node.baseUrl());
        cookies.getCookieStore().getCookies().forEach(c -> other.cookies.getCookieStore().add(URI.create(node.baseUrl()), c));
        return other;
    }

    public Reply login(String username, String password) {
        return post("/api/login", Json.createObjectBuilder().add("username", username).add("password", password).build().toString());
    }

    /** Logs in (registering if new) and fails the test unless it worked. */
    public JsonObject loggedIn(String username, String password) {
        Reply reply = login(username, password);
        if (reply.status() != 200 && reply.status() != 201) {
            throw new AssertionError("login of " + username + " answered " + reply.status() + " " + reply.body());
        }
        return reply.object();
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** {@code /metrics} with the test nodes' token. */
    public Reply metrics() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).header("Authorization", "Bearer " + METRICS_TOKEN).GET());
    }

    public Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply patch(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json").DELETE());
    }

    public Reply send(HttpRequest.Builder request) {
        return send(http, request);
    }

    /** Sends with another client (another protocol version, no cookies), waiting 20 s at most for the answer. */
    public static Reply send(HttpClient http, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The session cookie's {@code name=value}, for a WebSocket handshake. */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(HttpCookie::toString)
                .reduce((a, b) -> a + "; " + b).orElse("");
    }

    public Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    public Optional<HttpCookie> sessionCookie() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().endsWith("chat_session")).findFirst();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public record Reply(int status, String body, HttpResponse<String> response) {

        public JsonStructure json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.read();
            }
        }

        public JsonObject object() {
            return (JsonObject) json();
        }

        public List<JsonValue> array() {
            return json().asJsonArray();
        }

        public List<String> headers(String name) {
            return response.headers().allValues(name);
        }
    }
}
