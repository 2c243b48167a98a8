package chat.soak;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.RedisServerProcess;
import jakarta.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak run (issue 8): two nodes on one Redis, users on both, chatting at a moderate steady
 * rate for a long time. Every minute it prints what was sent and delivered, latency
 * percentiles of that minute, each node's heap after a full GC and its RSS; at the end it checks
 * that every receiver got every message exactly once. Not part of {@code mvn verify}:
 * {@code mvn -Psoak package -Dsoak.minutes=60} (default 60; the figures also go to target/soak/soak.md).
 */
public final class Soak {

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 60);
        int usersPerNode = Integer.getInteger("soak.usersPerNode", 25);
        double messagesPerSecond = Double.parseDouble(System.getProperty("soak.rate", "40"));
        Path out = Path.of(System.getProperty("soak.out", "target/soak"));
        Files.createDirectories(out);

        try (RedisServerProcess redis = RedisServerProcess.start();
             PayaraNode a = PayaraNode.start("soak-a", redis.url());
             PayaraNode b = PayaraNode.start("soak-b", redis.url())) {
            List<Receiver> receivers = new ArrayList<>();
            for (int i = 0; i < usersPerNode * 2; i++) {
                PayaraNode node = i % 2 == 0 ? a : b;
                ChatHttp http = new ChatHttp(node);
                http.loggedIn("soak" + i + "x" + System.nanoTime() % 100000, "pw");
                receivers.add(Receiver.connect(node, http));
            }
            StringBuilder report = new StringBuilder(String.format("Soak: %d users on 2 nodes, %.0f messages/s into General "
                    + "(%.0f deliveries/s), %d minutes.%n%n", receivers.size(), messagesPerSecond, messagesPerSecond * receivers.size(), minutes));
            report.append("| minute | sent | delivered | p50 ms | p99 ms | max ms | heap A MB | heap B MB | RSS A MB | RSS B MB |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|\n");
            System.out.print(report);
            ScheduledExecutorService senders = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            long periodMicros = (long) (1_000_000 / messagesPerSecond);
            senders.scheduleAtFixedRate(() -> {
                int n = sent.getAndIncrement();
                try {
                    receivers.get(n % receivers.size()).send("soak " + n + " " + System.nanoTime());
                } catch (RuntimeException e) {
                    System.out.println("send " + n + " failed: " + e);
                }
            }, 0, periodMicros, TimeUnit.MICROSECONDS);

            for (int minute = 1; minute <= minutes; minute++) {
                TimeUnit.MINUTES.sleep(1); // the run's own pace, not synchronisation
                List<Long> latencies = new ArrayList<>();
                long delivered = 0;
                for (Receiver r : receivers) {
                    latencies.addAll(r.drainLatencies());
                    delivered += r.received.get();
                }
                latencies.sort(null);
                String row = String.format("| %d | %d | %d | %.1f | %.1f | %.1f | %d | %d | %d | %d |%n", minute, sent.get(), delivered,
                        percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1.0),
                        heapMb(a), heapMb(b), rssMb(a), rssMb(b));
                System.out.print(row);
                report.append(row);
            }
            senders.shutdown();
            senders.awaitTermination(10, TimeUnit.SECONDS);
            int total = sent.get();
            try {
                Await.until("the last deliveries", Duration.ofMinutes(1),
                        () -> receivers.stream().allMatch(r -> r.seenCount() >= total));
            } catch (AssertionError incomplete) {
                System.out.println(incomplete.getMessage());
            }
            long lost = receivers.stream().mapToLong(r -> total - r.seenCount()).sum();
            long duplicated = receivers.stream().mapToLong(r -> r.duplicates.get()).sum();
            String summary = String.format("%nSent %d messages to %d receivers (%d deliveries expected) over %d minutes: lost %d, duplicated %d.%n",
                    total, receivers.size(), (long) total * receivers.size(), minutes, lost, duplicated);
            System.out.print(summary);
            report.append(summary);
            Files.writeString(out.resolve("soak.md"), report);
            receivers.forEach(Receiver::close);
            if (lost > 0 || duplicated > 0) {
                System.exit(1);
            }
        }
    }

    private static double percentile(List<Long> sortedNanos, double p) {
        if (sortedNanos.isEmpty()) {
            return 0;
        }
        int index = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p * sortedNanos.size()) - 1);
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }

    /** Heap in use after a full collection, so the trend shows what is retained. */
    private static long heapMb(PayaraNode node) {
        String out = jcmd(node, "GC.run") + jcmd(node, "GC.heap_info");
        for (String line : out.split("\n")) {
            int used = line.indexOf(" used ");
            if (line.contains("total") && used > 0) {
                String kb = line.substring(used + 6).trim().split("K")[0];
                return Long.parseLong(kb) / 1024;
            }
        }
        return -1;
    }

    private static long rssMb(PayaraNode node) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + node.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static String jcmd(PayaraNode node, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(node.pid()), command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * A connected user (everyone is in General, so everyone receives every message); it keeps
     * only a bit per message and the latencies of the current minute, so an hour fits in memory.
     */
    private static final class Receiver implements WebSocket.Listener {
        final BitSet seen = new BitSet();
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        private final List<Long> latencies = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Receiver connect(PayaraNode node, ChatHttp http) {
            Receiver receiver = new Receiver();
            receiver.socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", http.cookieHeader())
                    .buildAsync(URI.create(node.wsUrl()), receiver).join();
            return receiver;
        }

        synchronized void send(String text) {
            socket.sendText(Json.createObjectBuilder().add("type", "message")
                    .add("data", Json.createObjectBuilder().add("roomId", "0").add("message", text)).build().toString(), true).join();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            synchronized (this) {
                partial.append(data);
                if (last) {
                    for (String line : partial.toString().split("\n")) {
                        int at = line.indexOf("\"message\":\"soak ");
                        if (line.startsWith("{\"type\":\"message\"") && at > 0) {
                            String[] parts = line.substring(at + 11, line.indexOf('"', at + 11)).split(" ");
                            int n = Integer.parseInt(parts[1]);
                            received.incrementAndGet();
                            if (seen.get(n)) {
                                duplicates.incrementAndGet();
                            }
                            seen.set(n);
                            latencies.add(now - Long.parseLong(parts[2]));
                        }
                    }
                    partial.setLength(0);
                }
            }
            return null;
        }

        synchronized int seenCount() {
            return seen.cardinality();
        }

        synchronized List<Long> drainLatencies() {
            List<Long> copy = new ArrayList<>(latencies);
            latencies.clear();
            return copy;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
