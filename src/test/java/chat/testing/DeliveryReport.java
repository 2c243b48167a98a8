package chat.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a run of {@link Traffic} left behind, compared with what Redis stored: for every receiver
 * whose socket stayed open, the stored messages it missed, saw twice or saw out of order; messages
 * stored twice; messages stored although their sender was told "error". The promise of
 * docs/RELIABILITY.md is that all of these are zero.
 */
public final class DeliveryReport {

    private final String fault;
    private final int stored;
    private final int sent;
    private final List<String> storedTwice;
    private final List<String> storedDespiteError;
    private final List<Receiver> receivers;
    private final int closedReceivers;
    private final int reloadingReceivers;

    /** One open receiver's account. */
    public record Receiver(String name, int missing, int seenTwice, int outOfOrder, int notStored) {

        boolean exact() {
            return missing == 0 && seenTwice == 0 && outOfOrder == 0;
        }
    }

    private DeliveryReport(String fault, int stored, int sent, List<String> storedTwice, List<String> storedDespiteError,
                           List<Receiver> receivers, int closedReceivers, int reloadingReceivers) {
        this.fault = fault;
        this.stored = stored;
        this.sent = sent;
        this.storedTwice = storedTwice;
        this.storedDespiteError = storedDespiteError;
        this.receivers = receivers;
        this.closedReceivers = closedReceivers;
        this.reloadingReceivers = reloadingReceivers;
    }

    /**
     * Waits (up to {@code settle}) until every open receiver holds every stored message of the
     * run, then compares. The traffic must have stopped.
     */
    public static DeliveryReport of(String fault, Traffic traffic, Map<String, ChatSocketClient> receivers, RedisProbe redis,
                                    Duration settle) {
        long deadline = System.nanoTime() + settle.toNanos();
        List<String> storedTexts = storedTexts(traffic, redis);
        while (System.nanoTime() < deadline && !allHold(receivers, storedTexts)) {
            try {
                Thread.sleep(100); // polling interval while receivers catch up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            storedTexts = storedTexts(traffic, redis);
        }
        Map<String, Integer> storedCount = new HashMap<>();
        storedTexts.forEach(t -> storedCount.merge(t, 1, Integer::sum));
        List<String> twice = storedCount.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
        List<String> despiteError = traffic.outcomes().entrySet().stream()
                .filter(e -> e.getValue() == Traffic.Outcome.ERROR && storedCount.containsKey(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < storedTexts.size(); i++) {
            position.putIfAbsent(storedTexts.get(i), i);
        }
        List<Receiver> open = new ArrayList<>();
        int closed = 0;
        int reloading = 0;
        for (Map.Entry<String, ChatSocketClient> r : receivers.entrySet()) {
            if (r.getValue().isClosed()) {
                closed++;
                continue;
            }
            if (toldToReload(r.getValue())) {
                reloading++; // its client reloads over HTTP: what it holds live is no longer the measure
                continue;
            }
            List<String> seen = texts(r.getValue(), traffic.prefix());
            Set<String> distinct = new HashSet<>(seen);
            int missing = (int) storedCount.keySet().stream().filter(t -> !distinct.contains(t)).count();
            int seenTwice = seen.size() - distinct.size();
            int notStored = (int) distinct.stream().filter(t -> !storedCount.containsKey(t)).count();
            int outOfOrder = 0;
            int highest = -1;
            for (String t : seen) {
                Integer at = position.get(t);
                if (at != null) {
                    if (at < highest) {
                        outOfOrder++;
                    }
                    highest = Math.max(highest, at);
                }
            }
            open.add(new Receiver(r.getKey(), missing, seenTwice, outOfOrder, notStored));
        }
        return new DeliveryReport(fault, storedCount.size(), traffic.outcomes().size(), twice, despiteError, open, closed,
                reloading);
    }

    /** The server told the socket to reload (a {@code resync} frame with {@code reload}: positions changed meaning). */
    private static boolean toldToReload(ChatSocketClient socket) {
        return socket.events("resync").stream().anyMatch(e -> e.get("data") instanceof JsonObject d && d.getBoolean("reload", false));
    }

    private static boolean allHold(Map<String, ChatSocketClient> receivers, List<String> storedTexts) {
        Set<String> stored = new HashSet<>(storedTexts);
        return receivers.values().stream().filter(r -> !r.isClosed() && !toldToReload(r))
                .allMatch(r -> r.messages().stream().map(m -> m.getString("message", "")).collect(Collectors.toSet()).containsAll(stored));
    }

    /**
     * The run's messages in the room, in id order: by sequence number, the order every socket
     * must see (the room's sorted set is scored by the second a message was drafted, which for a
     * post that waited for Redis is earlier than the second it was stored).
     */
    private static List<String> storedTexts(Traffic traffic, RedisProbe redis) {
        record Stored(long sequence, String text) {
        }
        List<Stored> stored = new ArrayList<>();
        for (String json : redis.zrange("room:" + traffic.roomId())) {
            try (var reader = Json.createReader(new StringReader(json))) {
                JsonObject message = reader.readObject();
                String text = message.getString("message", "");
                if (text.startsWith(traffic.prefix() + "-")) {
                    String id = message.getString("id");
                    stored.add(new Stored(Long.parseLong(id.substring(id.indexOf('-') + 1)), text));
                }
            }
        }
        // Stable: a sequence number reused after a reset keeps Redis's order among its holders.
        stored.sort(Comparator.comparingLong(Stored::sequence));
        return stored.stream().map(Stored::text).toList();
    }

    private static List<String> texts(ChatSocketClient socket, String prefix) {
        return socket.messages().stream().map((JsonObject m) -> m.getString("message", ""))
                .filter(t -> t.startsWith(prefix + "-")).toList();
    }

    /** Whether the promise held: every open receiver exact, nothing stored twice or despite an error. */
    public boolean exact() {
        return storedTwice.isEmpty() && storedDespiteError.isEmpty() && receivers.stream().allMatch(Receiver::exact);
    }

    /** Receivers whose sockets stayed open and who were not told to reload. */
    public int openReceivers() {
        return receivers.size();
    }

    public int reloadingReceivers() {
        return reloadingReceivers;
    }

    public int stored() {
        return stored;
    }

    /** One line of the fault table in docs/RELIABILITY.md. */
    public String row() {
        IntSummaryStatistics missing = receivers.stream().mapToInt(Receiver::missing).summaryStatistics();
        long missingSome = receivers.stream().filter(r -> r.missing() > 0).count();
        int twice = receivers.stream().mapToInt(Receiver::seenTwice).sum();
        int disorder = receivers.stream().mapToInt(Receiver::outOfOrder).sum();
        return "| " + fault + " | " + sent + " sent, " + stored + " stored | " + receivers.size() + " open ("
                + closedReceivers + " closed, " + reloadingReceivers + " told to reload) | " + (receivers.isEmpty() ? "-" : missingSome + " receivers missed "
                + missing.getMin() + "-" + missing.getMax()) + " | " + twice + " | " + disorder + " | " + storedTwice.size()
                + " | " + storedDespiteError.size() + " |";
    }

    @Override
    public String toString() {
        return row() + (exact() ? "" : "\n  stored twice: " + abbreviate(storedTwice) + "\n  stored despite error: "
                + abbreviate(storedDespiteError) + "\n  receivers: " + receivers.stream().filter(r -> !r.exact()).toList());
    }

    private static String abbreviate(List<String> texts) {
        return texts.size() <= 10 ? texts.toString() : texts.subList(0, 10) + " and " + (texts.size() - 10) + " more";
    }

    /** The table's header, matching {@link #row()}. */
    public static String header() {
        return "| fault | messages | receivers | missed while open | seen twice | out of order | stored twice | stored despite error |\n"
                + "|---|---|---|---|---|---|---|---|";
    }
}
