package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Payara Micro process running the built WAR at {@code /}, pointed at a Redis through
 * the same environment variables an operator would set.
 */
public final class PayaraNode implements ChatNode {

    // HTTP/1.1: a probe sent while the node starts can leave the client an HTTP/2 (h2c) connection
    // that never answers again, and every later probe reuses it until the wait gives up.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** Settings that lift the abuse limits, for tests about something else. */
    public static final Map<String, String> UNLIMITED = Map.ofEntries(Map.entry("CHAT_MESSAGE_BURST", "1000000"),
            Map.entry("CHAT_MESSAGES_PER_SECOND", "1000000"), Map.entry("CHAT_API_BURST", "1000000"),
            Map.entry("CHAT_API_CALLS_PER_SECOND", "1000000"), Map.entry("CHAT_REGISTRATIONS_PER_HOUR", "1000000"),
            Map.entry("CHAT_LOGIN_FAILURES", "1000000"), Map.entry("CHAT_LOGIN_DEVICE_FAILURES", "1000000"),
            Map.entry("CHAT_LOGIN_ADDRESS_FAILURES", "1000000"), Map.entry("CHAT_SESSIONS_PER_USER", "1000000"),
            Map.entry("CHAT_SOCKETS_PER_USER", "100000"), Map.entry("CHAT_SOCKETS_PER_ADDRESS", "1000000"),
            Map.entry("CHAT_REQUESTS_PER_ADDRESS_AT_ONCE", "1000000"), Map.entry("CHAT_SOCKET_OPENS_PER_ADDRESS", "100000000"),
            Map.entry("CHAT_SOCKET_OPENS_PER_ADDRESS_PER_SECOND", "1000000"),
            // short passwords in tests about something else; the metrics token the tests' scrapes send
            Map.entry("CHAT_MIN_PASSWORD_LENGTH", "1"), Map.entry("CHAT_METRICS_TOKEN", ChatHttp.METRICS_TOKEN));
    /**
     * How a test's server starts quickly: C1 only, and no verification of the bytecode of classes
     * loaded from jars (Payara's, the WAR's: built or downloaded by this build, none from a client),
     * which took a quarter of a Payara Micro start (14.5 against 11.2 s on a quiet 2-core machine; the
     * suite starts some forty). The product's launches keep both.
     */
    public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UnlockDiagnosticVMOptions",
            "-XX:-BytecodeVerificationRemote");
    /** Quick start for tests: small serial heap. Never measure speed with these. */
    public static final List<String> TEST_JVM = jvm("-Xmx512m", "-XX:+UseSerialGC");
    /**
     * A server's heap and collector (as {@code payara/launch-nodes.sh} and the README start one) with the
     * quick start's JIT: for a test whose node holds thousands of sockets, which fill the small heap above.
     */
    public static final List<String> SERVER_HEAP_JVM = jvm("-Xmx1g", "-XX:+UseG1GC");
    /**
     * The JIT's thresholds at a quarter for the packages a message's path runs through
     * ({@code payara/hot-paths.compile}): every launch of a server passes it.
     */
    public static final String HOT_PATHS = "-XX:CompileCommandFile=" + Path.of("payara/hot-paths.compile").toAbsolutePath();
    /** What a server runs with: full tiered JIT (with {@link #HOT_PATHS}), G1, at most 1 GiB of heap. Benchmarks use these. */
    public static final List<String> BENCHMARK_JVM = List.of("-Xmx1g", "-XX:+UseG1GC", HOT_PATHS);
    /** With the pre-boot file's interface, Payara's Hazelcast listens on loopback only (docs/SECURITY.md). */
    public static final String DATA_GRID_ON_LOOPBACK = "-Dhazelcast.socket.bind.any=false";

    /** These heap and collector options with {@link #QUICK_START}'s. */
    public static List<String> jvm(String... heapAndCollector) {
        List<String> options = new ArrayList<>(List.of(heapAndCollector));
        options.addAll(QUICK_START);
        return List.copyOf(options);
    }

    /**
     * Payara settings every node of ours starts with (a handshake burst queues instead of being
     * rejected; leader-follower I/O); {@code -Dchat.test.postBoot.<serverId>=FILE} gives one node
     * others (a benchmark's A/B).
     */
    public static final Path POST_BOOT = Path.of(System.getProperty("chat.test.postBoot", "payara/post-boot.asadmin"));

    /** Payara's own boot race (its security service found no context class loader): the same start succeeds again. */
    private static final String BOOT_RACE = "Error while installing policy provider";

    private final String serverId;
    private final int port;
    private final ProcessBuilder builder; // its command's --rootdir is the last root used
    private volatile Process process;
    private volatile Path log;
    /** Starts after Payara's boot race (see {@link #relaunch}); it once hit the same node twice in a row. */
    private int relaunches;
    private static final int MAX_RELAUNCHES = 3;
    private final ListenerRace listenerRace;

    private PayaraNode(String serverId, int port, ProcessBuilder builder, Process process, Path log) {
        this.serverId = serverId;
        this.port = port;
        this.builder = builder;
        this.process = process;
        this.log = log;
        this.listenerRace = new ListenerRace(port);
    }

    /** Starts a node and waits until it serves the API. */
    public static PayaraNode start(String serverId, String redisUrl) {
        return start(serverId, redisUrl, Map.of());
    }

    public static PayaraNode start(String serverId, String redisUrl, Map<String, String> env) {
        PayaraNode node = launch(serverId, redisUrl, env, war());
        node.awaitReady();
        return node;
    }

    /** Starts a node without waiting (to start several at the same moment). */
    public static PayaraNode launch(String serverId, String redisUrl, Map<String, String> env) {
        return launch(serverId, redisUrl, env, war());
    }

    /** The WAR built by this project. */
    public static Path war() {
        return Path.of(System.getProperty("chat.test.war", "target/redis-chat.war"));
    }

    /** The Payara Micro jar the build copies next to it. */
    public static Path microJar() {
        return Path.of(System.getProperty("chat.test.payaraMicro", "target/payara-micro.jar"));
    }

    /** Starts a node deploying {@code war} (a WAR file or an exploded WAR directory). */
    public static PayaraNode launch(String serverId, String redisUrl, Map<String, String> env, Path war) {
        return launch(serverId, redisUrl, env, war, TEST_JVM);
    }

    /** Starts a node deploying {@code war} in a JVM with these options (heap, GC, JIT), without waiting. */
    public static PayaraNode launch(String serverId, String redisUrl, Map<String, String> env, Path war,
                                    List<String> jvmOptions) {
        int port = Ports.free();
        Path work = Path.of(System.getProperty("chat.test.workDir", "target/it"));
        try {
            Files.createDirectories(work);
            Path root = Files.createTempDirectory(work, "payara-" + serverId + "-");
            Path log = work.resolve("payara-" + serverId + "-" + port + ".log");
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.addAll(jvmOptions);
            command.add(DATA_GRID_ON_LOOPBACK);
            command.addAll(List.of("-jar", microJar().toString(), "--postbootcommandfile",
                    Path.of(System.getProperty("chat.test.postBoot." + serverId, POST_BOOT.toString())).toAbsolutePath().toString(),
                    "--deploy", war.toString(), "--contextroot", "/", "--port", String.valueOf(port),
                    "--nocluster", "--nohostaware", "--rootdir", root.toString()));
            command.addAll(listenerAfterDeployment());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // Tests share users, addresses and sessions freely; the limits get tests of their own (HardeningIT).
            ServerProcesses.replaceChatEnvironment(builder, ServerProcesses.chatEnvironment(serverId, redisUrl, env));
            return new PayaraNode(serverId, port, builder, start(builder), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Payara Micro options that keep its HTTP port closed until the WAR is deployed (it answers
     * 404 and 500 meanwhile otherwise), as the run command, the launch script and the image do.
     */
    public static List<String> listenerAfterDeployment() {
        Path dir = Path.of(System.getProperty("chat.test.payaraDir", "payara")).toAbsolutePath();
        return List.of("--prebootcommandfile", dir.resolve("listener-closed.asadmin").toString(),
                "--postdeploycommandfile", dir.resolve("listener-open.asadmin").toString());
    }

    private static Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        // Should the test JVM die or a test forget it, the node does not outlive the run.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    public void awaitReady() {
        awaitReady(Duration.ofSeconds(240));
    }

    /** Waits this long (a benchmark on a machine shared with other builds may need more than the tests' four minutes). */
    public void awaitReady(Duration timeout) {
        Await.until("Payara Micro node " + serverId + " on port " + port + " (log: " + log + ")",
                timeout, () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("node " + serverId + " exited; see " + log); // an Error: Await gives up at once
                    }
                    if (logLines("Exception while deploying the app") > 0) {
                        if (relaunches < MAX_RELAUNCHES && logLines(BOOT_RACE) > 0) {
                            relaunch();
                            return false;
                        }
                        // Payara Micro keeps running without the application; it will never answer
                        throw new AssertionError("node " + serverId + " failed to deploy the WAR; see " + log);
                    }
                    int status = status("/api/randomname");
                    if (status == -1 && relaunches < MAX_RELAUNCHES && listenerRace.hit(log)) {
                        relaunch();
                        return false;
                    }
                    return status == 200;
                });
    }

    /**
     * Starts the node once more, from a new root directory, after one of Payara's own boot races,
     * which are not the application's doing: the deployment failed because its security service's
     * policy provider found no context class loader on the main thread (about one start in 200 here),
     * or the port never opened ({@link ListenerRace}).
     */
    private void relaunch() {
        relaunches++;
        process.destroyForcibly();
        waitForExit();
        try {
            List<String> command = builder.command();
            int root = command.indexOf("--rootdir") + 1;
            Path previous = Path.of(command.get(root));
            command.set(root, Files.createTempDirectory(previous.getParent(), previous.getFileName() + "-again-").toString());
            Path again = log.resolveSibling(log.getFileName().toString().replace(".log", "-again.log")); // -again-again.log for a third try
            builder.redirectOutput(again.toFile());
            process = start(builder);
            log = again;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the node reports ready: Redis answers and it has joined the relay (so it hears other nodes). */
    public void awaitHealthy() {
        Await.until("node " + serverId + " ready (/health/ready)", Duration.ofSeconds(60), () -> status("/health/ready") == 200);
    }

    @Override
    public String serverId() {
        return serverId;
    }

    @Override
    public String runtime() {
        return "Payara Micro";
    }

    public int port() {
        return port;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    @Override
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public ProcessHandle jvm() {
        return process.toHandle();
    }

    public long pid() {
        return process.pid();
    }

    /** How many lines of the node's log contain the text. */
    public long logLines(String text) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** SIGKILL: the node dies without closing anything. */
    @Override
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The HTTP status of a GET of {@code path}, or -1 when the node does not answer. */
    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
