package chat.testing;

import chat.testing.Users.Person;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two chat nodes on a highly available Redis (configured by a Redisson YAML file, as an
 * operator would), two users chatting across them in a private room, and a failover in the
 * middle. Every message the server accepted (its sender saw it come back) must be in history
 * afterwards, and chatting must resume without restarting anything.
 */
public final class FailoverChat implements AutoCloseable {

    private final PayaraNode a;
    private final PayaraNode b;
    private Person ann;
    private Person bob;
    private String roomId;
    private ChatSocketClient annSocket;
    private ChatSocketClient bobSocket;
    private final List<String> accepted = new ArrayList<>();
    private int sent;

    private FailoverChat(PayaraNode a, PayaraNode b) {
        this.a = a;
        this.b = b;
    }

    /**
     * Writes the project's example Redisson YAML ({@code payara/redisson/<template>}) with the
     * given addresses in place of the example ones, and starts two nodes with REDISSON_CONFIG.
     */
    public static FailoverChat start(String template, List<String> addresses, Path dir) {
        Path yaml = dir.resolve("redisson.yaml");
        try {
            String text = Files.readString(Path.of("payara/redisson").resolve(template));
            Matcher m = Pattern.compile("(?m)^(\\s+- )\"redis://[^\"]+\"\\n(?:\\s+- \"redis://[^\"]+\"\\n)*").matcher(text);
            assertTrue(m.find(), "an address list in " + template);
            StringBuilder list = new StringBuilder();
            addresses.forEach(address -> list.append(m.group(1)).append("\"redis://").append(address).append("\"\n"));
            Files.writeString(yaml, text.substring(0, m.start()) + list + text.substring(m.end()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // REDIS_URL points nowhere: the YAML file must be what the nodes use
        Map<String, String> env = Map.of("REDISSON_CONFIG", yaml.toAbsolutePath().toString());
        PayaraNode a = PayaraNode.launch("ha-a", "redis://127.0.0.1:1", env);
        PayaraNode b = PayaraNode.launch("ha-b", "redis://127.0.0.1:1", env);
        FailoverChat chat = new FailoverChat(a, b);
        try {
            a.awaitReady();
            b.awaitReady();
            a.awaitHealthy();
            b.awaitHealthy();
            chat.join();
            return chat;
        } catch (RuntimeException | Error e) {
            chat.close();
            throw e;
        }
    }

    private void join() {
        ann = Users.register(a, "ann");
        bob = Users.register(b, "bob");
        ChatHttp.Reply room = ann.http().post("/api/room", Json.createObjectBuilder()
                .add("user1", ann.id()).add("user2", bob.id()).build().toString());
        assertEquals(201, room.status(), room.body());
        roomId = room.object().getString("id");
        annSocket = ChatSocketClient.connect(a, ann.http());
        bobSocket = ChatSocketClient.connect(b, bob.http());
    }

    /** Sends messages one at a time until {@code n} in a row were accepted and reached the other node. */
    public void chatUntilFlowing(int n, Duration timeout) {
        int inARow = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inARow < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("chat did not flow again within " + timeout + "; accepted so far: " + accepted.size());
            }
            String text = "ha " + (++sent) + " " + ann.username();
            boolean ok = send(text) && delivered(text);
            inARow = ok ? inARow + 1 : 0;
        }
    }

    /** Sends one message; true when the server accepted it (the sender got it back), false on an error frame. */
    private boolean send(String text) {
        int errors = annSocket.events("error").size();
        try {
            annSocket.sendMessage(roomId, text);
        } catch (RuntimeException e) {
            return false;
        }
        boolean[] accepted = {false};
        Await.until("'" + text + "' accepted or refused", Duration.ofSeconds(60), () -> {
            if (annSocket.messages().stream().anyMatch(m -> text.equals(m.getString("message", null)))) {
                accepted[0] = true;
                return true;
            }
            return annSocket.events("error").size() > errors;
        });
        if (accepted[0]) {
            this.accepted.add(text);
        }
        return accepted[0];
    }

    private boolean delivered(String text) {
        try {
            bobSocket.await("message", d -> d != null && text.equals(d.getString("message", null)), Duration.ofSeconds(10));
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    /** Every accepted message is in the room's history, read through both nodes. */
    public void assertEveryAcceptedMessageInHistory() {
        for (Person reader : List.of(ann, bob)) {
            Set<String> history = new HashSet<>();
            ChatHttp.Reply page = reader.http().get("/api/room/" + roomId + "/messages?offset=0&size=100");
            assertEquals(200, page.status(), page.body());
            page.array().forEach(v -> history.add(((JsonObject) v).getString("message")));
            List<String> missing = accepted.stream().filter(t -> !history.contains(t)).toList();
            assertTrue(missing.isEmpty(), "accepted but not in history: " + missing);
        }
    }

    public List<String> accepted() {
        return List.copyOf(accepted);
    }

    public String roomId() {
        return roomId;
    }

    public int sent() {
        return sent;
    }

    public PayaraNode nodeA() {
        return a;
    }

    public PayaraNode nodeB() {
        return b;
    }

    @Override
    public void close() {
        if (annSocket != null) {
            annSocket.close();
        }
        if (bobSocket != null) {
            bobSocket.close();
        }
        a.close();
        b.close();
    }
}
