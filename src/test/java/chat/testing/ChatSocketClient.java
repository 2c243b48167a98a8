package chat.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket to {@code /ws} that records every event it receives (frames split on newlines). */
public final class ChatSocketClient implements WebSocket.Listener, AutoCloseable {

    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    public static ChatSocketClient connect(ChatNode node, ChatHttp session) {
        return connect(node.wsUrl(), session.cookieHeader(), node.origin());
    }

    /** Opens the socket; throws (CompletionException) when the handshake is refused. */
    public static ChatSocketClient connect(String wsUrl, String cookie, String origin) {
        ChatSocketClient client = open(wsUrl, cookie, origin);
        if (cookie != null && !cookie.isEmpty()) {
            client.awaitReady();
        }
        return client;
    }

    /** Opens the socket and returns as soon as the handshake's 101 is in, before the server's {@code ready}. */
    public static ChatSocketClient open(PayaraNode node, ChatHttp session) {
        return open(node.wsUrl(), session.cookieHeader(), node.origin());
    }

    private static ChatSocketClient open(String wsUrl, String cookie, String origin) {
        ChatSocketClient client = new ChatSocketClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (cookie != null && !cookie.isEmpty()) {
            builder.header("Cookie", cookie);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        client.socket = builder.buildAsync(URI.create(wsUrl), client).orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    /**
     * Waits for the server's {@code ready} frame: the handshake's 101 reaches the client before
     * the server has registered the socket, and only from {@code ready} on is every event sent to it.
     */
    public JsonObject awaitReady() {
        return await("ready", data -> data != null);
    }

    /** The HTTP status with which the server refused the handshake; fails if it was accepted. */
    public static int refusal(String wsUrl, String cookie, String origin) {
        try {
            connect(wsUrl, cookie, origin).close();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the handshake was accepted");
    }

    public void send(String frame) {
        socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** One fragment of a text message: a frame without FIN unless it is the last. */
    public void sendFragment(String part, boolean last) {
        socket.sendText(part, last).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] frame) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(frame), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Posts with a client message id (the server acknowledges or names it in its error frame). */
    public void post(String roomId, String text, String clientMessageId) {
        send(Json.createObjectBuilder().add("type", "message").add("data", Json.createObjectBuilder()
                .add("roomId", roomId).add("message", text).add("clientMessageId", clientMessageId)).build().toString());
    }

    public void sendMessage(String roomId, String text) {
        send(Json.createObjectBuilder().add("type", "message").add("data",
                Json.createObjectBuilder().add("roomId", roomId).add("message", text)).build().toString());
    }

    public List<JsonObject> events() {
        return new ArrayList<>(events);
    }

    public List<JsonObject> events(String type) {
        return events.stream().filter(e -> type.equals(e.getString("type", ""))).toList();
    }

    /** Waits for an event of this type whose data matches. */
    public JsonObject await(String type, Predicate<JsonObject> data) {
        return await(type, data, Duration.ofSeconds(20));
    }

    public JsonObject await(String type, Predicate<JsonObject> data, Duration timeout) {
        return Await.value("a '" + type + "' event", timeout, () -> events(type).stream()
                .filter(e -> data.test(e.get("data") instanceof JsonObject o ? o : null)).findFirst().orElse(null));
    }

    /** The data of the first acknowledgement of the post with this client message id. */
    public JsonObject awaitAck(String clientMessageId) {
        return await("message.ack", d -> clientMessageId.equals(d.getString("clientMessageId"))).getJsonObject("data");
    }

    public JsonObject awaitMessage(String text) {
        return await("message", d -> d != null && text.equals(d.getString("message", null)));
    }

    public List<JsonObject> messages() {
        return events("message").stream().map(e -> e.getJsonObject("data")).toList();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public int awaitClose() {
        Await.until("the socket to close", Duration.ofSeconds(20), closed::isDone);
        return closed.join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (partial) {
            partial.append(data);
            if (last) {
                for (String line : partial.toString().split("\n")) {
                    if (!line.isBlank()) {
                        try (var reader = Json.createReader(new StringReader(line))) {
                            events.add(reader.readObject());
                        }
                    }
                }
                partial.setLength(0);
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (CompletionException ignored) {
                socket.abort();
            }
        }
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        socket.abort();
    }
}
