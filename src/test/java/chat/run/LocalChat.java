package chat.run;

import chat.testing.Await;
import chat.testing.ListenerRace;
import chat.testing.PayaraNode;
import chat.testing.RedisServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The README's run command ({@code mvn -Prun package}): the chat on http://localhost:8080 with
 * demo data. Unless REDIS_URL (or REDIS_ENDPOINT_URL / REDISSON_CONFIG) is set, it first starts
 * a real Redis on a free port, keeping its data in {@code .run/redis} so a restart keeps the
 * chat. Payara's own log goes to {@code .run/payara.log}; the console gets a few lines, the
 * address last, once the node is ready (demo data written, relay joined). Ctrl-C stops both.
 */
public final class LocalChat {

    private static final PrintStream OUT = System.out;
    /** Beyond the half minute a start takes, the console says what the node still waits for, and again every minute. */
    private static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final Duration NOTICE_EVERY = Duration.ofSeconds(60);
    static final String NO_ANSWER = "no answer yet";
    private static final String INVALID_SETTINGS = "Invalid settings: ";
    /** Open while the chat runs: its lock keeps a second run out of the same directory. */
    private static FileChannel runLock;

    public static void main(String[] args) throws Exception {
        Path war = Path.of(System.getProperty("chat.run.war", "target/redis-chat.war"));
        Path micro = Path.of(System.getProperty("chat.run.payaraMicro", "target/payara-micro.jar"));
        Path data = Path.of(System.getProperty("chat.run.dataDir", ".run"));
        int httpPort = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        if (!isFree(httpPort)) {
            System.err.println("Port " + httpPort + " is taken; set PORT to another one.");
            System.exit(1);
        }
        Files.createDirectories(data);
        // Held until this process ends (the OS lets go of it even on a kill). A second run beside the first emptied its
        // Payara root under it and started a second Redis on the same append-only file: two chats that merged on restart.
        runLock = FileChannel.open(data.resolve("run.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (runLock.tryLock() == null) {
            System.err.println("Another run of the chat uses " + data.toAbsolutePath() + "; stop it first (Ctrl-C), or run from another copy.");
            System.exit(1);
        }
        // Payara Micro redeploys whatever its root directory holds from the previous run before
        // deploying the WAR again (a second deployment, with SEVERE traces and 404/500 answers in
        // between): every run starts from an empty one.
        Path root = data.resolve("payara");
        deleteTree(root);
        Path log = data.resolve("payara.log");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                PayaraNode.HOT_PATHS, PayaraNode.DATA_GRID_ON_LOOPBACK, "-jar", micro.toString(), "--postbootcommandfile", PayaraNode.POST_BOOT.toAbsolutePath().toString(),
                "--deploy", war.toString(), "--contextroot", "/", "--port", String.valueOf(httpPort),
                "--nocluster", "--nohostaware", "--rootdir", root.toString()));
        command.addAll(PayaraNode.listenerAfterDeployment());
        ProcessBuilder payara = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        RedisServerProcess redis = null;
        boolean redisConfigured = System.getenv("REDIS_URL") != null || System.getenv("REDIS_ENDPOINT_URL") != null
                || System.getenv("REDISSON_CONFIG") != null;
        if (!redisConfigured) {
            redis = RedisServerProcess.start(freePort(), data.resolve("redis").toAbsolutePath(), true);
            payara.environment().put("REDIS_URL", redis.url());
            OUT.println("redis-chat: Redis started on " + redis.url() + " (data kept in " + data.resolve("redis") + ")");
        } else {
            OUT.println("redis-chat: using the Redis set in the environment");
        }
        OUT.println("redis-chat: starting the chat node (takes about 30 s; Payara's log: " + log + ")");
        AtomicReference<Process> node = new AtomicReference<>(payara.start());
        RedisServerProcess startedRedis = redis;
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            node.get().destroy();
            try {
                node.get().waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (startedRedis != null) {
                startedRedis.stop();
            }
        }));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        AtomicReference<String> lastAnswer = new AtomicReference<>(NO_ANSWER);
        long started = System.nanoTime();
        AtomicLong nextNotice = new AtomicLong(started + PATIENCE.toNanos());
        try {
            ListenerRace listenerRace = new ListenerRace(httpPort);
            Await.until("the chat on port " + httpPort + " to be ready", Duration.ofMinutes(5), () -> {
                if (System.nanoTime() - nextNotice.get() > 0) { // a newcomer waiting in silence would think it hangs
                    nextNotice.addAndGet(NOTICE_EVERY.toNanos());
                    OUT.println("redis-chat: not ready after " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                            + " s: " + waitingFor(lastAnswer.get()) + " (still waiting; Payara's log: " + log + ")");
                }
                if (!node.get().isAlive()) {
                    throw new IllegalStateException("Payara Micro exited; see " + log);
                }
                Optional<String> refused = settingsRefused(log);
                if (refused.isPresent()) { // the node would answer 500 for ever: say why, as the launch script does
                    System.err.println("redis-chat: the chat refused its settings: " + refused.get());
                    System.exit(1); // the shutdown hook stops the node and Redis
                }
                if (listenerRace.hit(log)) {
                    OUT.println("redis-chat: Payara enabled its HTTP listener but port " + httpPort
                            + " stays closed (a race of its own); starting the node again");
                    node.set(startAgain(node.get(), payara, root)); // its log starts empty: the watcher starts over
                    return false;
                }
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    lastAnswer.set(ready.statusCode() + " " + ready.body());
                    return ready.statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (AssertionError notReady) {
            // Say why, in the node's own words: its readiness names what it waits for (Redis, the relay, ...).
            System.err.println("redis-chat: the node did not get ready within 5 minutes; /health/ready last said: "
                    + lastAnswer.get() + "; see " + log);
            System.exit(1);
        }
        OUT.println();
        OUT.println("  redis-chat is ready on http://localhost:" + httpPort);
        OUT.println("  Demo users: Pablo, Joe, Mary, Alex (password: password123)");
        OUT.println("  Ctrl-C stops it" + (startedRedis == null ? "." : " and its Redis; the chat stays in " + data.resolve("redis") + "."));
        OUT.println();
        if (startedRedis != null) {
            Thread watch = new Thread(() -> keepRunning(startedRedis, stopping), "redis-watch");
            watch.setDaemon(true);
            watch.start();
        }
        int exit = node.get().waitFor();
        if (exit != 0 && !stopping.get()) {
            System.err.println("redis-chat: the node stopped (exit " + exit + "); see " + log);
        }
        System.exit(exit);
    }

    /**
     * Starts the chat's own Redis again whenever it exits (crashed, killed, shut down from
     * {@code redis-cli}) while the chat runs: the node reconnects by itself, and the append-only
     * file keeps the chat.
     */
    private static void keepRunning(RedisServerProcess redis, AtomicBoolean stopping) {
        try {
            while (true) {
                int exit = redis.waitForExit();
                if (stopping.get() || shuttingDown()) { // Ctrl-C: the shutdown hooks stop Redis, in any order
                    return;
                }
                OUT.println("redis-chat: Redis exited (" + exit + "); starting it again on " + redis.url());
                redis.startProcess();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | AssertionError e) {
            System.err.println("redis-chat: Redis could not be started again: " + e.getMessage());
        }
    }

    /** Whether this JVM is running its shutdown hooks (it refuses new ones then). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException hooksRunning) {
            return true;
        }
    }

    private static Process startAgain(Process node, ProcessBuilder payara, Path root) {
        try {
            node.destroyForcibly().waitFor();
            deleteTree(root);
            return payara.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The start-up check's refusal of the settings in Payara's log ("Invalid settings: CHAT_... must be ..."), if any. */
    static Optional<String> settingsRefused(Path log) {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(INVALID_SETTINGS))
                    .map(line -> line.substring(line.indexOf(INVALID_SETTINGS))).findFirst();
        } catch (IOException | UncheckedIOException unreadable) { // or a line cut in a character while Payara writes it
            return Optional.empty();
        }
    }

    /** What an answer of {@code /health/ready} ("503 {json}") says the node waits for, in a line. */
    static String waitingFor(String answer) {
        if (NO_ANSWER.equals(answer)) {
            return "its HTTP port is not open yet";
        }
        int json = answer.indexOf('{');
        if (json < 0) {
            return answer;
        }
        try (JsonReader reader = Json.createReader(new StringReader(answer.substring(json)))) {
            List<String> down = reader.readObject().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(check -> !"UP".equals(check.getString("status", "")))
                    .map(check -> check.getString("name", "?") + ": " + check.getJsonObject("data").getString("detail", "down")
                            + (check.getJsonObject("data").containsKey("cause") ? ": " + check.getJsonObject("data").getString("cause") : ""))
                    .toList();
            return down.isEmpty() ? answer : String.join("; ", down);
        } catch (RuntimeException notHealthJson) {
            return answer;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
