package chat.testing;

import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Steady traffic into one room from senders spread over the nodes, for fault-injection tests.
 * Each sender posts on its own socket, one message at a time, and waits for the outcome before
 * the next: its own message coming back (stored) or an error frame (the sender was told "error").
 * The texts are unique and start with the run's prefix, so {@link DeliveryReport} can tell them apart.
 */
public final class Traffic implements AutoCloseable {

    /** What a sender was told about one message. */
    public enum Outcome { ACKED, ERROR, NO_ANSWER }

    private final String prefix;
    private final String roomId;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private Traffic(String prefix, String roomId) {
        this.prefix = prefix;
        this.roomId = roomId;
    }

    /**
     * Starts one sender per socket, each posting {@code perSecond} messages a second at most.
     * The senders' sockets are the caller's (it opens and closes them).
     */
    public static Traffic start(String prefix, String roomId, List<ChatSocketClient> senders, double perSecond) {
        Traffic traffic = new Traffic(prefix, roomId);
        for (int i = 0; i < senders.size(); i++) {
            ChatSocketClient socket = senders.get(i);
            String name = prefix + "-s" + i + "-";
            Thread t = new Thread(() -> traffic.send(socket, name, (long) (1000 / perSecond)), "traffic-" + name);
            t.setDaemon(true);
            traffic.threads.add(t);
            t.start();
        }
        return traffic;
    }

    private void send(ChatSocketClient socket, String name, long intervalMillis) {
        for (int n = 0; running.get() && !socket.isClosed(); n++) {
            long started = System.currentTimeMillis();
            String text = name + n;
            int errorsBefore = socket.events("error").size();
            try {
                socket.sendMessage(roomId, text);
            } catch (RuntimeException notSent) {
                outcomes.put(text, Outcome.ERROR);
                continue;
            }
            Outcome outcome = awaitOutcome(socket, text, errorsBefore);
            outcomes.put(text, outcome);
            long rest = intervalMillis - (System.currentTimeMillis() - started);
            if (rest > 0) {
                pause(rest); // pacing the traffic, not synchronising
            }
        }
    }

    /** The sender's own message back, or an error frame after the send, within ten seconds. */
    private static Outcome awaitOutcome(ChatSocketClient socket, String text, int errorsBefore) {
        long deadline = System.currentTimeMillis() + Duration.ofSeconds(10).toMillis();
        while (System.currentTimeMillis() < deadline) {
            for (JsonObject m : socket.messages()) {
                if (text.equals(m.getString("message", null))) {
                    return Outcome.ACKED;
                }
            }
            if (socket.events("error").size() > errorsBefore) {
                return Outcome.ERROR;
            }
            if (socket.isClosed()) {
                return Outcome.NO_ANSWER;
            }
            pause(5);
        }
        return Outcome.NO_ANSWER;
    }

    /** Stops the senders and waits until each has its last outcome. */
    public void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public String prefix() {
        return prefix;
    }

    public String roomId() {
        return roomId;
    }

    /** Every text sent so far with what its sender was told. */
    public Map<String, Outcome> outcomes() {
        return Map.copyOf(outcomes);
    }

    /** How many messages were sent so far (to wait for traffic before a fault). */
    public int sent() {
        return outcomes.size();
    }

    @Override
    public void close() {
        stop();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
