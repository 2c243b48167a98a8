package chat.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A socket.io 3 (Engine.IO 4) client of the seed's Node.js server over a plain WebSocket: answers
 * pings, connects to the default namespace, sends and records {@code 42[...]} events.
 */
public final class SeedSocket implements WebSocket.Listener, AutoCloseable {

    private final List<JsonArray> events = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean connected;
    private WebSocket socket;

    public static SeedSocket connect(SeedServer seed, ChatHttp session) {
        SeedSocket client = new SeedSocket();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", session.cookieHeader())
                .buildAsync(URI.create(seed.wsUrl()), client).orTimeout(20, TimeUnit.SECONDS).join();
        Await.until("the seed's socket.io handshake", Duration.ofSeconds(20), () -> client.connected);
        return client;
    }

    /** {@code 42["message", {...}]}, as the seed's React client sends it. */
    public void sendMessage(String roomId, String text, String from) {
        JsonObject data = Json.createObjectBuilder().add("roomId", roomId).add("message", text).add("from", from)
                .add("date", System.currentTimeMillis() / 1000).build();
        send("42" + Json.createArrayBuilder().add("message").add(data).build());
    }

    public void send(String frame) {
        socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public JsonObject awaitMessage(String text) {
        return Await.value("'" + text + "' on the seed's socket", Duration.ofSeconds(20), () -> events.stream()
                .filter(e -> "message".equals(e.getString(0)) && e.size() > 1 && e.get(1) instanceof JsonObject o
                        && text.equals(o.getString("message", null)))
                .map(e -> e.getJsonObject(1)).findFirst().orElse(null));
    }

    public List<JsonArray> events() {
        return List.copyOf(events);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (!last) {
            return null;
        }
        String packet = partial.toString();
        partial.setLength(0);
        if (packet.startsWith("0{")) {
            webSocket.sendText("40", true);
        } else if (packet.startsWith("40")) {
            connected = true;
        } else if (packet.equals("2")) {
            webSocket.sendText("3", true);
        } else if (packet.startsWith("42")) {
            try (var reader = Json.createReader(new StringReader(packet.substring(2)))) {
                events.add(reader.readArray());
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
