package chat.bench;

import chat.testing.PayaraNode;
import chat.testing.RedisServerProcess;
import chat.testing.SeedServer;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark harness ({@code mvn -Pbench verify}): starts a private Redis and one or two
 * Payara Micro nodes with the built WAR (server JVM flags), registers the users once, runs the
 * workloads of issue 6 and writes {@code target/bench/results.json}, {@code results.md} and PNG
 * charts. Senders are open-loop: message {@code i} is due at {@code start + i / rate} whatever
 * happened before, and its latency counts from that due time.
 *
 * <p>System properties: {@code bench.scale} ({@code full} or {@code smoke}), {@code bench.workloads}
 * (comma list of broadcast-100, broadcast-1000, private, cross-node, slow-consumer, capacity),
 * {@code bench.out}, {@code bench.stepSeconds}, {@code bench.capacity}, {@code bench.rates.NAME}
 * (comma list of messages/s), {@code bench.senders} (broadcast-100's senders, default 10), {@code bench.stopAtKnee} (default true), {@code bench.warmup} (default true; false measures a cold node), {@code bench.serverEnv} ({@code NAME=value,...} for the nodes, e.g.
 * {@code CHAT_WS_FLUSH_INTERVAL_MS=0}).
 */
public final class Bench {

    /** The zero of every due time carried in message texts (same JVM for senders and receivers). */
    static final long BASE_NANOS = System.nanoTime();
    static final String SEED_WORKLOAD = "seed-broadcast-100";
    /** Node A (bench.serverEnv) and node B (bench.serverEnvB) in turns, step by step: a comparison fair to a busy machine. */
    static final String AB_WORKLOAD = "ab-broadcast-100";
    static final Set<String> TWO_NODE_WORKLOADS = Set.of("cross-node", "two-nodes", AB_WORKLOAD);
    private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofMinutes(15);
    static final List<String> ALL_WORKLOADS = List.of("broadcast-100", "broadcast-1000", "private", "channels", "cross-node",
            "two-nodes", "slow-consumer", "capacity", "storm");

    private final boolean smoke;
    private final List<String> workloads;
    private final Path out;
    private final double stepSeconds;
    private final int capacity;
    private final String serverEnv;
    private final List<StepResult> results = new ArrayList<>();
    private final BenchUsers users = new BenchUsers();
    /** The generator's sockets: two reading threads, one per core. */
    private final WireSockets wires = new WireSockets(2);
    private final long selfPid = ProcessHandle.current().pid();
    private RedisServerProcess redis;
    private PayaraNode nodeA;
    private PayaraNode nodeB;
    private Map<String, String> nodeEnv;
    private Map<String, String> nodeEnvB;
    private List<String> nodeJvm;
    private int nextStep = 1;
    private final boolean stopAtKnee;
    private final boolean warmup;
    private final Path seedHome;
    private Long measuredPid; // while the seed's or an A/B workload runs: the one server measured
    private Long measuredRedisPid; // while the seed's workload runs: its own Redis
    private final String serverEnvB;
    /** The WAR node B of {@code ab-broadcast-100} runs (empty: the same as node A): a change against the build before it. */
    private final String warB;

    Bench(Map<String, String> props) {
        this.smoke = "smoke".equals(props.getOrDefault("bench.scale", "full"));
        List<String> listed = Arrays.stream(props.getOrDefault("bench.workloads", String.join(",", ALL_WORKLOADS)).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        // With the seed installed, its broadcast runs right before ours: same workload, back to back.
        this.workloads = listed.stream().flatMap(w -> w.equals("broadcast-100") && !props.getOrDefault("bench.seed", "").isBlank()
                && !listed.contains(SEED_WORKLOAD) ? java.util.stream.Stream.of(SEED_WORKLOAD, w) : java.util.stream.Stream.of(w)).toList();
        this.out = Path.of(props.getOrDefault("bench.out", "target/bench"));
        this.stepSeconds = Double.parseDouble(props.getOrDefault("bench.stepSeconds", smoke ? "1" : "10"));
        this.capacity = Integer.parseInt(props.getOrDefault("bench.capacity", smoke ? "40" : "10000"));
        this.serverEnv = props.getOrDefault("bench.serverEnv", "");
        this.serverEnvB = props.getOrDefault("bench.serverEnvB", "");
        this.warB = props.getOrDefault("bench.warB", "");
        this.stopAtKnee = Boolean.parseBoolean(props.getOrDefault("bench.stopAtKnee", "true"));
        this.warmup = Boolean.parseBoolean(props.getOrDefault("bench.warmup", "true"));
        String seed = props.getOrDefault("bench.seed", "").trim();
        this.seedHome = seed.isEmpty() ? null : Path.of(seed);
        this.props = props;
    }

    private final Map<String, String> props;

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        List<StepResult> results;
        Bench bench = new Bench(props);
        try {
            results = bench.run();
        } finally {
            bench.stop();
        }
        long failures = results.stream().filter(r -> r.lost() > 0 || r.duplicated() > 0 || r.reordered() > 0).count();
        if (failures > 0) {
            System.out.println("[bench] " + failures + " step(s) lost, duplicated or reordered messages: see results.md");
        }
        System.exit(0); // losses past the knee are findings, not harness failures
    }

    /** Runs the selected workloads and writes the reports; returns the rows. */
    List<StepResult> run() throws Exception {
        Instant started = Instant.now();
        double[] machineBefore = ProcessProbe.machineCpuSeconds();
        long t0 = System.nanoTime();
        Map<String, String> env = new HashMap<>(Map.of("CHAT_DEMO_DATA", "false", "CHAT_BCRYPT_CONCURRENCY", "2",
                // the product's defaults (empty = unset) where the test nodes shorten them: a 256-event queue closed busy sockets
                "CHAT_OUTBOUND_QUEUE_LIMIT", "", "CHAT_PRESENCE_LEASE", ""));
        for (String pair : serverEnv.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        Map<String, String> envB = new HashMap<>(env);
        for (String pair : serverEnvB.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                envB.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        List<String> jvm = new ArrayList<>("test".equals(props.get("bench.serverJvm")) ? PayaraNode.TEST_JVM : PayaraNode.BENCHMARK_JVM);
        jvm.addAll(jvmOptions("bench.serverJvmExtra"));
        nodeEnv = env;
        nodeEnvB = envB;
        nodeJvm = jvm;
        redis = RedisServerProcess.start();
        log("Redis on port %d; starting Payara Micro node A with %s", redis.port(), jvm);
        nodeA = PayaraNode.launch("bench-a", redis.url(), env, PayaraNode.war(), jvm);
        nodeA.awaitReady(START_TIMEOUT);
        log("node A ready after %.1f s", seconds(System.nanoTime() - t0));
        if (seedHome == null) {
            log("side by side with the seed: skipped (give -Dbench.seed=PATH, an installed copy of ../shared/peers/seed-nodejs)");
        }

        int needed = smoke ? 24 : workloads.stream().mapToInt(Bench::usersNeeded).max().orElse(110);
        long loginStart = System.nanoTime();
        users.ensure(nodeA.baseUrl(), needed, 4);
        log("%d users registered and logged in in %.1f s", needed, seconds(System.nanoTime() - loginStart));

        for (String workload : workloads) {
            long w0 = System.nanoTime();
            try {
                if (TWO_NODE_WORKLOADS.contains(workload)) {
                    startNodeB();
                }
                runWorkload(workload);
            } catch (Exception | AssertionError e) { // one broken workload must not cost the others' figures
                log("%s failed: %s", workload, e);
                e.printStackTrace(System.out);
            }
            if (nodeB != null && workloads.subList(workloads.indexOf(workload) + 1, workloads.size()).stream().noneMatch(TWO_NODE_WORKLOADS::contains)) {
                stopNodeB();
            }
            log("%s done in %.1f s", workload, seconds(System.nanoTime() - w0));
            Reports.write(out, results, runInfo(started, machineBefore, t0, jvm).build()); // partial results survive a crash
        }
        log("wrote %s (results.json, results.md, PNGs) after %.1f s", out.toAbsolutePath(), seconds(System.nanoTime() - t0));
        return results;
    }

    /**
     * Node B runs only while a workload needs it: an idle node still follows the message log (a fifth
     * of a core at 30,000 deliveries/s) and compiles the same path when both start together, which
     * one-node figures must not pay for.
     */
    private void startNodeB() {
        if (nodeB != null) {
            return;
        }
        boolean ab = workloads.contains(AB_WORKLOAD);
        List<String> jvmB = new ArrayList<>(nodeJvm);
        if (ab) {
            jvmB.addAll(jvmOptions("bench.serverJvmB"));
        }
        long t0 = System.nanoTime();
        nodeB = PayaraNode.launch("bench-b", redis.url(), ab ? nodeEnvB : nodeEnv, ab && !warB.isEmpty() ? Path.of(warB) : PayaraNode.war(), jvmB);
        nodeB.awaitReady(START_TIMEOUT);
        log("node B ready after %.1f s", seconds(System.nanoTime() - t0));
    }

    private void stopNodeB() {
        nodeB.close();
        nodeB = null;
        log("node B stopped: no workload left needs it");
    }

    private void runWorkload(String workload) throws Exception {
        switch (workload) {
            case "broadcast-100" -> broadcast("broadcast-100", nodeA, nodeA, smoke ? 10 : 100, smoke ? 2 : Integer.parseInt(props.getOrDefault("bench.senders", "10")),
                    rates("broadcast-100", smoke ? "100,200" : "300,500,1000,1500,2000,2500,3000,4000,5000,6000,7000,8000"), smoke ? 50 : 300);
            case "broadcast-1000" -> broadcast("broadcast-1000", nodeA, nodeA, smoke ? 20 : 1000, smoke ? 2 : 10,
                    rates("broadcast-1000", smoke ? "50" : "20,50,100,150,200,300,400,500"), smoke ? 0 : 20);
            case "private" -> privateChatter(smoke ? 20 : 1000, rates("private", smoke ? "100" : "200,500,1000,1500,2000,3000,4000"));
            case "channels" -> channelChatter(smoke ? 20 : 1000, 10,
                    rates("channels", smoke ? "100" : "200,500,1000,1500,2000,3000,4000"));
            case "cross-node" -> broadcast("cross-node", nodeB, nodeA, smoke ? 10 : 100, smoke ? 2 : 10,
                    rates("cross-node", smoke ? "100" : "300,1000,2000,2500,3000,4000,5000,6000,7000"), smoke ? 0 : 300);
            case "two-nodes" -> splitBroadcast(smoke ? 10 : 100, smoke ? 2 : 10,
                    rates("two-nodes", smoke ? "100" : "1000,2000,3000,4000,5000,6000,7000"), smoke ? 0 : 300);
            case "slow-consumer" -> slowConsumer(smoke ? 10 : 100, smoke ? 2 : 10,
                    rates("slow-consumer", smoke ? "100" : "300")[0]);
            case "capacity" -> capacity(smoke ? new int[]{20, capacity} : steps(capacity));
            case SEED_WORKLOAD -> seedBroadcast(smoke ? 10 : 100, smoke ? 2 : 10,
                    rates(SEED_WORKLOAD, smoke ? "50" : "300,500,700,1000,1500,2000"), smoke ? 0 : 300);
            case AB_WORKLOAD -> abBroadcast(smoke ? 10 : Integer.parseInt(props.getOrDefault("bench.abReceivers", "100")), smoke ? 2 : 10, rates(AB_WORKLOAD, smoke ? "50" : "300,1000,2000,3000"),
                    Integer.parseInt(props.getOrDefault("bench.abRounds", "2")));
            case "storm" -> {
                for (String size : props.getOrDefault("bench.storm", smoke ? "20" : "10000").split(",")) {
                    storm(Integer.parseInt(size.trim()));
                }
            }
            case "smoke" -> smokeBroadcast();
            default -> throw new IllegalArgumentException("unknown workload " + workload + "; known: " + ALL_WORKLOADS);
        }
    }

    /** Comma-separated JVM options in a property (none when unset). */
    private List<String> jvmOptions(String property) {
        return Arrays.stream(props.getOrDefault(property, "").split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    }

    private JsonObjectBuilder runInfo(Instant started, double[] machineBefore, long t0, List<String> jvm) throws IOException {
        double[] machineAfter = ProcessProbe.machineCpuSeconds();
        double wall = seconds(System.nanoTime() - t0);
        return Json.createObjectBuilder()
                .add("started", started.toString())
                .add("duration_s", StepResult.round(wall))
                .add("scale", smoke ? "smoke" : "full")
                .add("cores", Runtime.getRuntime().availableProcessors())
                .add("java", System.getProperty("java.version"))
                .add("server_jvm", String.join(" ", jvm))
                .add("server_env", serverEnv.isEmpty() ? "defaults" : serverEnv)
                .add("server_env_b", serverEnvB.isEmpty() ? "defaults" : serverEnvB)
                .add("war_b", warB.isEmpty() ? "node A's" : warB)
                .add("server_jvm_b_extra", props.getOrDefault("bench.serverJvmB", ""))
                .add("seed", seedHome == null ? "not run (no -Dbench.seed=PATH)" : seedHome.toString())
                .add("step_seconds", stepSeconds)
                .add("machine_busy_pct_of_one_core", StepResult.round(100 * (machineAfter[0] - machineBefore[0]) / wall))
                .add("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    // ---------------------------------------------------------------- workloads

    /** Receivers in General on {@code receiverNode}; senders (the first receivers, or their own sockets on another node). */
    private void broadcast(String workload, PayaraNode receiverNode, PayaraNode senderNode, int receivers, int senders,
                           double[] rates, double warmupRate) throws Exception {
        List<BenchSocket> sockets = open(receiverNode, 0, receivers);
        List<BenchSocket> senderSockets;
        if (senderNode == receiverNode) {
            senderSockets = sockets.subList(0, senders);
        } else {
            senderSockets = open(senderNode, receivers, senders);
            sockets = concat(sockets, senderSockets);
        }
        broadcast(workload, senderNode == receiverNode ? 1 : 2, sockets, senderSockets, rates, warmupRate);
    }

    /** Receivers in General, half on each node; the senders are among node A's. */
    private void splitBroadcast(int receivers, int senders, double[] rates, double warmupRate) throws Exception {
        List<BenchSocket> onA = open(nodeA, 0, receivers / 2);
        List<BenchSocket> onB = open(nodeB, receivers / 2, receivers - receivers / 2);
        broadcast("two-nodes", 2, concat(onA, onB), onA.subList(0, senders), rates, warmupRate);
    }

    /**
     * The broadcast workload against the seed's Node.js server (socket.io framing), on a Redis of
     * its own so that nothing it publishes reaches the redis-chat nodes.
     */
    private void seedBroadcast(int receivers, int senders, double[] rates, double warmupRate) throws Exception {
        if (seedHome == null) {
            log("%s: skipped (no -Dbench.seed=PATH)", SEED_WORKLOAD);
            return;
        }
        try (RedisServerProcess seedRedis = RedisServerProcess.start();
             SeedServer seed = SeedServer.start(seedHome, "127.0.0.1:" + seedRedis.port(), out.resolve("work"))) {
            BenchUsers seedUsers = new BenchUsers("/login", "connect.sid");
            seedUsers.ensure(seed.baseUrl(), receivers, 4);
            List<CompletableFuture<BenchSocket>> opening = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                BenchUsers.User user = seedUsers.get(i);
                opening.add(BenchSocket.open(wires, seed.wsUrl(), user.cookie(), seed.baseUrl(), i,
                        BenchSocket.Protocol.SOCKET_IO, user.id()));
            }
            List<BenchSocket> sockets = new ArrayList<>();
            for (CompletableFuture<BenchSocket> f : opening) {
                sockets.add(f.join());
            }
            for (BenchSocket s : sockets) {
                s.connected.get(30, TimeUnit.SECONDS);
            }
            Thread.sleep(1000); // the seed registers its handlers only after an await in its connection handler
            sockets.forEach(s -> s.join("0"));
            measuredPid = seed.pid();
            measuredRedisPid = seedRedis.pid();
            try {
                broadcast(SEED_WORKLOAD, 1, sockets, sockets.subList(0, senders), rates, warmupRate);
            } finally {
                measuredPid = null;
                measuredRedisPid = null;
            }
        }
    }

    /**
     * The broadcast to 100 on node A and on node B (different settings) in turns: each rate is
     * run on A, then on B, {@code rounds} times, with only the measured node's sockets open, so
     * that both see the same moments of a shared machine's load.
     */
    private void abBroadcast(int receivers, int senders, double[] rates, int rounds) throws Exception {
        PayaraNode[] nodes = {nodeA, nodeB};
        String[] names = {"A", "B"};
        for (int n = 0; n < 2; n++) {
            if (warmup && !smoke) {
                abStep(nodes[n], receivers, senders, "ab-" + names[n], "warmup " + names[n], 300, Math.max(20, 2 * stepSeconds), false);
            }
        }
        for (double rate : rates) {
            for (int round = 1; round <= rounds; round++) {
                for (int n = 0; n < 2; n++) {
                    abStep(nodes[n], receivers, senders, "ab-" + names[n], names[n] + "@" + (int) rate + " #" + round, rate,
                            stepSeconds, true);
                }
            }
        }
    }

    private void abStep(PayaraNode node, int receivers, int senders, String workload, String name, double rate, double seconds,
                        boolean record) throws Exception {
        List<BenchSocket> sockets = open(node, 0, receivers);
        settle();
        measuredPid = node.pid();
        try {
            runStep(workload, name, 1, sockets, rate, seconds, senders, i -> sockets.get(i % senders), i -> "0", i -> i % senders,
                    (r, i) -> true, "", record);
        } finally {
            measuredPid = null;
        }
        close(sockets);
    }

    private void broadcast(String workload, int nodes, List<BenchSocket> all, List<BenchSocket> senderSockets,
                           double[] rates, double warmupRate) throws Exception {
        int senders = senderSockets.size();
        settle();
        if (warmupRate > 0 && warmup) {
            log("%s: JIT warm-up at %.0f msg/s (not recorded)", workload, warmupRate);
            runStep(workload, "warmup", nodes, all, warmupRate, smoke ? 1 : Math.max(20, 2 * stepSeconds), senders,
                    i -> senderSockets.get(i % senders), i -> "0", i -> i % senders, (r, i) -> true, "", false);
        }
        for (double rate : rates) {
            if (kneeAt(workload, rate, name -> runStep(workload, name, nodes, all, rate, stepSeconds, senders,
                    i -> senderSockets.get(i % senders), i -> "0", i -> i % senders, (rr, i) -> true, "", true))) {
                break;
            }
        }
        close(all);
    }

    /** Pairs of users chatting in their private rooms: every message goes to its sender's and the partner's socket. */
    private void privateChatter(int userCount, double[] rates) throws Exception {
        List<BenchSocket> sockets = open(nodeA, 0, userCount);
        String[] roomOf = new String[userCount];
        for (int u = 0; u + 1 < userCount; u += 2) {
            roomOf[u] = users.privateRoom(nodeA.baseUrl(), users.get(u), users.get(u + 1));
            roomOf[u + 1] = roomOf[u];
        }
        settle();
        // The first message of a private room also announces the room (show.room): done once, before measuring.
        int pairs = userCount / 2;
        log("private: %d rooms created; first messages", pairs);
        runStep("private", "warmup", 1, sockets, Math.min(500, pairs * 10.0), Math.max(1, (double) pairs / Math.min(500, pairs * 10.0)),
                userCount, i -> sockets.get((i % pairs) * 2), i -> roomOf[(i % pairs) * 2], i -> (i % pairs) * 2,
                (r, i) -> r / 2 == i % pairs, "", false);
        for (double rate : rates) {
            if (kneeAt("private", rate, name -> runStep("private", name, 1, sockets, rate, stepSeconds, userCount,
                    i -> sockets.get(i % userCount), i -> roomOf[i % userCount], i -> i % userCount,
                    (rr, i) -> (i % userCount) / 2 == rr / 2, "", true))) {
                break;
            }
        }
        close(sockets);
    }

    /**
     * Teams chatting in their channels: the users in public channels of {@code size} members
     * each, every user writing to its own channel in turn; all its members' sockets get it (the
     * sender's echo included).
     */
    private void channelChatter(int userCount, int size, double[] rates) throws Exception {
        List<BenchSocket> sockets = open(nodeA, 0, userCount);
        String[] channelOf = new String[userCount];
        for (int u = 0; u < userCount; u++) {
            if (u % size == 0) {
                channelOf[u] = users.channel(nodeA.baseUrl(), users.get(u), "bench team " + u / size);
            } else {
                channelOf[u] = channelOf[u - u % size];
                users.join(nodeA.baseUrl(), users.get(u), channelOf[u]);
            }
        }
        log("channels: %d channels of %d members", (userCount + size - 1) / size, size);
        settle();
        if (warmup) {
            runStep("channels", "warmup", 1, sockets, 300, smoke ? 1 : Math.max(20, 2 * stepSeconds), userCount,
                    i -> sockets.get(i % userCount), i -> channelOf[i % userCount], i -> i % userCount,
                    (r, i) -> r / size == (i % userCount) / size, "", false);
        }
        for (double rate : rates) {
            if (kneeAt("channels", rate, name -> runStep("channels", name, 1, sockets, rate, stepSeconds, userCount,
                    i -> sockets.get(i % userCount), i -> channelOf[i % userCount], i -> i % userCount,
                    (rr, i) -> rr / size == (i % userCount) / size, "", true))) {
                break;
            }
        }
        close(sockets);
    }

    private interface Step {
        StepResult run(String name) throws Exception;
    }

    /**
     * Runs the step at {@code rate}; true when it is past the knee (and the workload should stop).
     * A step past the knee is run once more before the workload stops, and both rows are kept: on
     * 2 shared cores one stall (a GC, the JIT, the generator itself) can decide a step's p99.
     */
    private boolean kneeAt(String workload, double rate, Step step) throws Exception {
        String name = workload + "@" + (int) rate;
        if (!step.run(name).pastKnee() || !stopAtKnee) {
            return false;
        }
        log("%s: past the knee at %.0f msg/s; once more, to tell a stall from the limit", workload, rate);
        if (!step.run(name + " again").pastKnee()) {
            return false;
        }
        log("%s: knee reached at %.0f msg/s", workload, rate);
        return true;
    }

    /** The General room at a steady rate while one member's socket never reads. */
    private void slowConsumer(int receivers, int senders, double rate) throws Exception {
        List<BenchSocket> sockets = open(nodeA, 0, receivers);
        BenchUsers.User slowUser = users.get(receivers);
        Socket slow = rawHandshake(nodeA, slowUser.cookie());
        settle();
        long start = System.nanoTime();
        AtomicLong offlineAfter = new AtomicLong(-1);
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (!users.online(nodeA.baseUrl(), users.get(0), slowUser)) {
                        offlineAfter.set(System.nanoTime() - start);
                        return;
                    }
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // try again
                }
            }
        }, "slow-consumer-watcher");
        watcher.setDaemon(true);
        watcher.start();
        String padding = " " + "x".repeat(400); // bigger events fill the slow socket's buffers sooner
        // Long enough for the kernel's buffers (several MB on loopback) and then the node's
        // bounded queue (CHAT_OUTBOUND_QUEUE_LIMIT events) to fill.
        double seconds = smoke ? 2 : Math.max(60, stepSeconds * 6);
        StepResult r = runStep("slow-consumer", "slow-consumer@" + (int) rate, 1, sockets, rate, seconds, senders,
                i -> sockets.get(i % senders), i -> "0", i -> i % senders, (rr, i) -> true, padding, false);
        watcher.interrupt();
        long bytes = 0;
        boolean closedByServer = false;
        slow.setSoTimeout(3000);
        try (InputStream in = slow.getInputStream()) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytes += n;
            }
            closedByServer = true;
        } catch (SocketTimeoutException stillOpen) {
            // the server kept it open
        } catch (IOException reset) {
            closedByServer = true;
        }
        slow.close();
        String note = String.format(Locale.ROOT, "one extra socket in the room never read (receive buffer 4 KiB, events padded "
                        + "to ~550 bytes): %s; %s; it had %,d bytes waiting in the kernel when read afterwards",
                offlineAfter.get() >= 0 ? String.format(Locale.ROOT, "the server closed it after %.1f s", seconds(offlineAfter.get()))
                        : "its user was still online at the end of the step",
                closedByServer ? "its TCP connection was closed" : "its TCP connection was still open 3 s after the step", bytes);
        results.add(withNote(r, note));
        log("slow-consumer: %s", note);
        close(sockets);
    }

    /** Idle authenticated sockets in steps (users reused: ten sockets each at 10,000), then one broadcast to all of them. */
    private void capacity(int[] steps) throws Exception {
        settle();
        double heap0 = ProcessProbe.heapMb(nodeA.pid(), true);
        double rss0 = ProcessProbe.rssMb(nodeA.pid());
        results.add(new StepResult("capacity@0", "capacity", 1, 0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0, heap0, rss0,
                0, 0, 0, 0, 0, "no sockets open: the baseline"));
        log("capacity: baseline heap %.0f MB, RSS %.0f MB", heap0, rss0);
        List<BenchSocket> sockets = new ArrayList<>();
        try {
            for (int target : steps) {
                int from = sockets.size();
                long t = System.nanoTime();
                double[] cpu = cpuSnapshot();
                AtomicInteger refused = new AtomicInteger();
                List<BenchSocket> opened = open(nodeA, from, target - from, refused);
                double openSeconds = seconds(System.nanoTime() - t);
                sockets.addAll(opened);
                Histogram handshakes = new Histogram(3);
                opened.forEach(s -> handshakes.recordValue(Math.max(1, s.handshakeNanos / 1000)));
                double[] cpuAfter = cpuSnapshot();
                Thread.sleep(smoke ? 200 : 2000);
                long closed = sockets.stream().filter(s -> !s.isOpen()).count();
                double heap = ProcessProbe.heapMb(nodeA.pid(), true);
                double rss = ProcessProbe.rssMb(nodeA.pid());
                double perSocketKb = target > 0 ? (heap - heap0) * 1024 / target : 0;
                double[] pct = cpuPercent(cpu, cpuAfter, openSeconds);
                String note = String.format(Locale.ROOT, "%,d opened in %.1f s (%.0f/s%s); %.1f KiB of live heap per socket over the baseline%s",
                        target - from, openSeconds, (target - from) / openSeconds,
                        refused.get() > 0 ? String.format(Locale.ROOT, ", %,d told to come back with 503 + Retry-After", refused.get()) : "",
                        perSocketKb,
                        closed > 0 ? "; " + closed + " closed meanwhile" : "");
                results.add(new StepResult("capacity@" + target, "capacity", 1, target, 0, 0, 0,
                        handshakes.getValueAtPercentile(50) / 1000.0, handshakes.getValueAtPercentile(99) / 1000.0,
                        handshakes.getValueAtPercentile(99.9) / 1000.0, handshakes.getMaxValue() / 1000.0, 0, 0, 0, 0, heap, rss,
                        pct[0], pct[1], pct[2], pct[3], 0, note));
                log("capacity: %,d sockets, live heap %.0f MB, RSS %.0f MB, handshake p99 %.1f ms (%s)", target, heap, rss,
                        handshakes.getValueAtPercentile(99) / 1000.0, note);
            }
        } catch (Exception | Error e) { // left open, they would count against the node in the next workloads
            close(sockets);
            throw e;
        }
        // Every one of them still receives: a short broadcast from one socket to all.
        double rate = smoke ? 5 : 10;
        runStep("capacity-broadcast", "capacity-broadcast@" + (int) rate, 1, sockets, rate, smoke ? 1 : 3, 1,
                i -> sockets.get(0), i -> "0", i -> 0, (r, i) -> true, "", true);
        close(sockets);
    }

    /**
     * A reconnect storm: {@code count} handshakes started at once against node A (as when every
     * client of a restarted node comes back). A handshake refused with 503 is tried again after
     * its Retry-After plus up to as much again (as the browser client does); anything else counts
     * as a failure. Records the time until all are open, the 503s, the failures, SEVERE lines in
     * the node's log, and the live heap per socket seen from outside (after a full GC, over the
     * heap before the storm).
     */
    private void storm(int count) throws Exception {
        settle();
        double heap0 = ProcessProbe.heapMb(nodeA.pid(), true);
        int files0 = ProcessProbe.openFiles(nodeA.pid());
        int threads0 = ProcessProbe.threads(nodeA.pid());
        long severeBefore = nodeA.logLines("SEVERE");
        long rejectedBefore = nodeA.logLines("RejectedExecutionException");
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(daemon("storm-retries"));
        AtomicInteger refused = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<BenchSocket>> all = new ArrayList<>();
        double[] cpu = cpuSnapshot();
        long t = System.nanoTime();
        for (int i = 0; i < count; i++) {
            all.add(openComingBack(nodeA, i, refused, failures, retries, System.nanoTime() + 300_000_000_000L));
        }
        List<BenchSocket> sockets = new ArrayList<>();
        Histogram opened = new Histogram(3);
        for (CompletableFuture<BenchSocket> f : all) {
            BenchSocket s = f.exceptionally(e -> null).join();
            if (s != null) {
                sockets.add(s);
                opened.recordValue(Math.max(1, (s.openedAtNanos - t) / 1000));
            }
        }
        double seconds = seconds(System.nanoTime() - t);
        double[] pct = cpuPercent(cpu, cpuSnapshot(), seconds);
        retries.shutdownNow();
        // Each user's first socket tells every open one "user.connected": up to users x sockets events, queued
        // while the lanes catch up. The heap is measured once they have drained (it used to be 2 s after the
        // last socket opened, when a slower machine may still hold them): idle sockets, as the figure says.
        long drainStart = System.nanoTime();
        settle();
        double drained = seconds(System.nanoTime() - drainStart);
        long closed = sockets.stream().filter(s -> !s.isOpen()).count();
        double heap = ProcessProbe.heapMb(nodeA.pid(), true);
        double rss = ProcessProbe.rssMb(nodeA.pid());
        long severe = nodeA.logLines("SEVERE") - severeBefore;
        long rejected = nodeA.logLines("RejectedExecutionException") - rejectedBefore;
        String note = String.format(Locale.ROOT, "%,d handshakes at once: %,d open after %.1f s (last one), %,d refused with 503 "
                        + "and tried again after Retry-After, other failures %s; %d SEVERE log lines (%d RejectedExecutionException); "
                        + "once the presence events had reached every socket (%.1f s later), live heap %.0f MB after a full GC, "
                        + "%.1f KiB per socket over the %.0f MB before the storm%s",
                count, sockets.size(), opened.getMaxValue() / 1e6, refused.get(), failures.isEmpty() ? "none" : failures.toString(),
                severe, rejected, drained, heap, (heap - heap0) * 1024 / Math.max(1, sockets.size()), heap0,
                closed > 0 ? "; " + closed + " closed meanwhile" : "");
        // What stays once every socket is gone tells buffers and pools the storm grew apart from what each socket holds.
        Files.createDirectories(out);
        Files.writeString(out.resolve("storm-" + count + "-histogram.txt"), ProcessProbe.histogram(nodeA.pid(), 40));
        int filesOpen = ProcessProbe.openFiles(nodeA.pid());
        int threadsOpen = ProcessProbe.threads(nodeA.pid());
        close(sockets);
        long closedAt = System.nanoTime();
        int files = ProcessProbe.openFiles(nodeA.pid());
        while (files > files0 + Math.max(20, count / 100) && System.nanoTime() - closedAt < 60_000_000_000L) {
            Thread.sleep(500);
            files = ProcessProbe.openFiles(nodeA.pid());
        }
        double released = seconds(System.nanoTime() - closedAt);
        double after = ProcessProbe.heapMb(nodeA.pid(), true);
        Files.writeString(out.resolve("storm-" + count + "-closed-histogram.txt"), ProcessProbe.histogram(nodeA.pid(), 40));
        note += String.format(Locale.ROOT, "; the node's open files %,d before, %,d with the sockets open, %,d %.1f s after the client closed them all; "
                        + "its threads %d, %d, %d; then %.0f MB live (%.0f MB over the heap before the storm)",
                files0, filesOpen, files, released, threads0, threadsOpen, ProcessProbe.threads(nodeA.pid()), after, after - heap0);
        int linger = Integer.parseInt(props.getOrDefault("bench.stormLinger", "0"));
        if (linger > 0) { // do the worker threads the storm started, and what they cache, go away?
            Thread.sleep(linger * 1000L);
            double later = ProcessProbe.heapMb(nodeA.pid(), true);
            note += String.format(Locale.ROOT, "; %d s later %d threads, %.0f MB live", linger, ProcessProbe.threads(nodeA.pid()), later);
        }
        results.add(new StepResult("storm@" + count, "storm", 1, sockets.size(), 0, 0, 0,
                opened.getValueAtPercentile(50) / 1000.0, opened.getValueAtPercentile(99) / 1000.0,
                opened.getValueAtPercentile(99.9) / 1000.0, opened.getMaxValue() / 1000.0, 0, 0, 0, 0, heap, rss,
                pct[0], pct[1], pct[2], pct[3], 0, note));
        log("storm: %s", note);
    }

    /** One handshake, tried again after each 503 (Retry-After to twice that) until it opens, fails otherwise, or the deadline. */
    private CompletableFuture<BenchSocket> openComingBack(PayaraNode node, int index, AtomicInteger refused,
                                                          Map<String, AtomicInteger> failures,
                                                          ScheduledExecutorService retries, long deadline) {
        BenchUsers.User user = users.get(index % users.size());
        CompletableFuture<BenchSocket> result = new CompletableFuture<>();
        BenchSocket.open(wires, node.wsUrl(), user.cookie(), node.origin(), index, BenchSocket.Protocol.CHAT, user.id())
                .whenComplete((socket, error) -> {
                    if (error == null) {
                        result.complete(socket);
                        return;
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof WireSockets.Refused refusal && refusal.status == 503 && System.nanoTime() < deadline) {
                        refused.incrementAndGet();
                        long seconds = refusal.retryAfterSeconds < 0 ? 1 : refusal.retryAfterSeconds;
                        long delayMs = (long) (seconds * 1000 * (1 + Math.random()));
                        retries.schedule(() -> openComingBack(node, index, refused, failures, retries, deadline)
                                .whenComplete((s, e) -> {
                                    if (e == null) {
                                        result.complete(s);
                                    } else {
                                        result.completeExceptionally(e);
                                    }
                                }), delayMs, TimeUnit.MILLISECONDS);
                        return;
                    }
                    String kind = cause instanceof WireSockets.Refused refusal
                            ? "HTTP " + refusal.status : cause.getClass().getSimpleName();
                    failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    result.completeExceptionally(cause);
                });
        return result;
    }

    /** A few seconds that prove the harness works end to end (used by the smoke test). */
    private void smokeBroadcast() throws Exception {
        broadcast("smoke", nodeA, nodeA, 6, 2, new double[]{50}, 0);
    }

    // ---------------------------------------------------------------- one step

    /**
     * Sends {@code rate * seconds} messages open-loop, waits for them to arrive, and records the row
     * (when {@code record}).
     */
    private StepResult runStep(String workload, String name, int nodes, List<BenchSocket> receivers, double rate,
                               double seconds, int senderCount, java.util.function.IntFunction<BenchSocket> senderOf,
                               java.util.function.IntFunction<String> roomOf, java.util.function.IntUnaryOperator senderIndexOf,
                               Tally.Audience audience, String padding, boolean record) throws Exception {
        int n = Math.max(1, (int) Math.round(rate * seconds));
        long[] expected = new long[receivers.size()];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < expected.length; r++) {
                if (audience.includes(r, i)) {
                    expected[r]++;
                }
            }
        }
        int step = nextStep++;
        Tally tally = new Tally(step, n, expected, audience, senderCount);
        for (int r = 0; r < receivers.size(); r++) {
            if (receivers.get(r).receiver != r) {
                throw new IllegalStateException("receiver index mismatch");
            }
            receivers.get(r).listen(tally);
        }
        long expectedTotal = tally.expectedTotal();
        double[] cpu = cpuSnapshot();
        double[] perNode = nodes > 1 && measuredPid == null ? nodeCpuSeconds() : null;
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime() + 20_000_000;
        Histogram lag = new Histogram(3);
        String[] rooms = new String[1];
        for (int i = 0; i < n; i++) {
            long due = start + i * periodNanos;
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            lag.recordValue(Math.max(0, (now - due) / 1000));
            rooms[0] = roomOf.apply(i);
            String text = Tally.text(step, senderIndexOf.applyAsInt(i), i, due - BASE_NANOS) + padding;
            senderOf.apply(i).sendMessage(rooms[0], text);
        }
        long sendEnd = System.nanoTime();
        double sendSeconds = seconds(sendEnd - start);
        // Drain: until everything arrived, or nothing new for 3 s, or 15 s after the last send.
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (tally.deliveries.sum() < expectedTotal) {
            long now = System.nanoTime();
            long count = tally.deliveries.sum();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            }
            if (now - lastProgress > 3_000_000_000L || now - sendEnd > 15_000_000_000L) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(smoke ? 50 : 300); // late duplicates would show up here
        double[] cpuAfter = cpuSnapshot();
        long lastDelivery = tally.lastDeliveryNanos.get();
        double window = seconds(Math.max(lastDelivery, sendEnd) - start);
        Histogram h = tally.histogram();
        long deliveries = tally.deliveries.sum();
        double[] pct = cpuPercent(cpu, cpuAfter, seconds(System.nanoTime() - start));
        List<Long> pids = serverPids(nodes);
        double heap = pids.stream().mapToDouble(pid -> ProcessProbe.heapMb(pid, false)).sum();
        double rss = pids.stream().mapToDouble(ProcessProbe::rssMb).sum();
        int sendFailures = receivers.stream().mapToInt(s -> s.sendFailures.getAndSet(0)).sum();
        int errors = receivers.stream().mapToInt(s -> s.errorFrames.getAndSet(0)).sum();
        long closed = receivers.stream().filter(s -> !s.isOpen()).count();
        List<String> notes = new ArrayList<>();
        Histogram first = tally.firstArrivals();
        if (first.getTotalCount() > 0 && receivers.size() > 1) {
            // how long the server took to start a message's fan-out, as the quickest receiver saw it
            notes.add(String.format(Locale.ROOT, "first arrival p50 %.2f ms", first.getValueAtPercentile(50) / 1000.0));
        }
        if (perNode != null) {
            double[] perNodeAfter = nodeCpuSeconds();
            double wall = seconds(System.nanoTime() - start);
            notes.add(String.format(Locale.ROOT, "CPU node A %.0f%%, node B %.0f%%", (perNodeAfter[0] - perNode[0]) / wall * 100,
                    (perNodeAfter[1] - perNode[1]) / wall * 100));
        }
        if (sendFailures > 0) {
            notes.add(sendFailures + " client sends failed");
        }
        if (errors > 0) {
            notes.add(errors + " error frames from the server");
        }
        if (closed > 0) {
            Map<Integer, Long> codes = new java.util.TreeMap<>();
            receivers.stream().filter(sock -> !sock.isOpen())
                    .forEach(sock -> codes.merge(sock.closed.getNow(0), 1L, Long::sum));
            notes.add(closed + " sockets closed (close code: count " + codes + ")");
        }
        if (tally.lost() > 0) {
            notes.add("lost: " + tally.lossPattern());
        }
        if (tally.unexpected.sum() > 0) {
            notes.add(tally.unexpected.sum() + " deliveries to sockets outside the room");
        }
        if (lag.getValueAtPercentile(99) > 5000) {
            notes.add(String.format(Locale.ROOT, "generator sent late (p99 %.1f ms behind schedule)", lag.getValueAtPercentile(99) / 1000.0));
        }
        StepResult result = new StepResult(name, workload, nodes, receivers.size(), rate, n / sendSeconds,
                deliveries / window, h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50) / 1000.0,
                h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99) / 1000.0,
                h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99.9) / 1000.0,
                h.getTotalCount() == 0 ? -1 : h.getMaxValue() / 1000.0,
                tally.lost(), tally.duplicates.sum(), tally.reordered.sum(), tally.unexpected.sum(), heap, rss,
                pct[0], pct[1], pct[2], pct[3], lag.getValueAtPercentile(99) / 1000.0, String.join("; ", notes));
        log("%-28s sent %7.0f/s delivered %9.0f/s p50 %7.2f p99 %8.2f p99.9 %8.2f max %8.2f ms lost %d dup %d reord %d | CPU server %.0f%% redis %.0f%% gen %.0f%% other %.0f%% %s",
                name, result.sentPerS(), result.deliveredPerS(), result.p50Ms(), result.p99Ms(), result.p999Ms(), result.maxMs(),
                result.lost(), result.duplicated(), result.reordered(), pct[0], pct[1], pct[2], pct[3], result.note());
        if (record) {
            results.add(result);
        }
        return result;
    }

    // ---------------------------------------------------------------- sockets

    /** Opens {@code count} sockets for receiver indexes {@code from..from+count-1} (user = index modulo the users). */
    private List<BenchSocket> open(PayaraNode node, int from, int count) throws Exception {
        return open(node, from, count, new AtomicInteger());
    }

    /**
     * Opens {@code count} sockets, 64 handshakes at a time; one refused with 503 comes back after its
     * Retry-After to twice that, as the browser client does (a fast machine opens them faster than a
     * node's handshake rate). Anything else fails the workload.
     */
    private List<BenchSocket> open(PayaraNode node, int from, int count, AtomicInteger refused) throws Exception {
        Semaphore inFlight = new Semaphore(64);
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(daemon("open-retries"));
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + 300_000_000_000L;
        List<CompletableFuture<BenchSocket>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                futures.add(openComingBack(node, from + i, refused, failures, retries, deadline)
                        .whenComplete((s, e) -> inFlight.release()));
            }
            List<BenchSocket> sockets = new ArrayList<>();
            CompletionException failed = null;
            for (CompletableFuture<BenchSocket> f : futures) {
                try {
                    sockets.add(f.join());
                } catch (CompletionException e) {
                    failed = failed == null ? e : failed;
                }
            }
            if (failed != null) { // left open, they would count against the node in the next workloads
                close(sockets);
                throw failed;
            }
            return sockets;
        } finally {
            retries.shutdownNow();
        }
    }

    private void close(List<BenchSocket> sockets) throws InterruptedException {
        sockets.forEach(BenchSocket::close);
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (BenchSocket s : sockets) {
            try {
                s.closed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                s.abort();
            }
        }
        settle();
    }

    /**
     * Lets the servers' queues drain between phases: opening n sockets sends every open socket a
     * {@code user.connected} per new user (n² events for n = 1,000), which must not land in the
     * first measured step. Waits until no socket received anything for a second (at most 60 s).
     */
    private void settle() throws InterruptedException {
        Thread.sleep(smoke ? 300 : 1000);
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = BenchSocket.FRAMES.sum();
        while (System.nanoTime() < deadline) {
            Thread.sleep(smoke ? 300 : 1000);
            long now = BenchSocket.FRAMES.sum();
            if (now == last) {
                return;
            }
            last = now;
        }
        log("sockets still receiving after 60 s of settling");
    }

    private static Socket rawHandshake(PayaraNode node, String cookie) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " + node.origin()
                + "\r\nCookie: " + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("handshake cut short: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
        return socket; // and never read again
    }

    // ---------------------------------------------------------------- measurement helpers

    private List<Long> serverPids(int nodes) {
        List<Long> pids = new ArrayList<>();
        if (measuredPid != null) {
            return List.of(measuredPid);
        }
        pids.add(nodeA.pid());
        if (nodes > 1 && nodeB != null) {
            pids.add(nodeB.pid());
        }
        return pids;
    }

    private double[] nodeCpuSeconds() {
        return new double[]{ProcessProbe.cpuSeconds(nodeA.pid()), ProcessProbe.cpuSeconds(nodeB.pid())};
    }

    /** CPU seconds so far of: the server nodes, Redis, this generator, the whole machine, and the wall clock. */
    private double[] cpuSnapshot() {
        double server = measuredPid != null ? ProcessProbe.cpuSeconds(measuredPid)
                : ProcessProbe.cpuSeconds(nodeA.pid()) + (nodeB != null ? ProcessProbe.cpuSeconds(nodeB.pid()) : 0);
        double[] machine = ProcessProbe.machineCpuSeconds();
        long redisPid = measuredRedisPid != null ? measuredRedisPid : redis.pid();
        return new double[]{server, ProcessProbe.cpuSeconds(redisPid), ProcessProbe.cpuSeconds(selfPid), machine[0]};
    }

    /** Percent of one core: server, redis, generator, everything else on the machine (other engineers' builds). */
    private static double[] cpuPercent(double[] before, double[] after, double wallSeconds) {
        double server = (after[0] - before[0]) / wallSeconds * 100;
        double redis = (after[1] - before[1]) / wallSeconds * 100;
        double generator = (after[2] - before[2]) / wallSeconds * 100;
        double machine = (after[3] - before[3]) / wallSeconds * 100;
        return new double[]{server, redis, generator, Math.max(0, machine - server - redis - generator)};
    }

    /** Users a workload needs (each login costs a bcrypt on the server, so register no more than that). */
    private static int usersNeeded(String workload) {
        return switch (workload) {
            case "broadcast-1000", "private", "channels", "capacity" -> 1000;
            case "storm" -> Integer.getInteger("bench.stormUsers", 1000);
            default -> 120;
        };
    }

    private double[] rates(String workload, String defaults) {
        return Arrays.stream(props.getOrDefault("bench.rates." + workload, defaults).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
    }

    private static int[] steps(int max) {
        int[] fractions = {10, 25, 50, 75, 100};
        return Arrays.stream(fractions).map(f -> max * f / 100).filter(v -> v > 0).distinct().toArray();
    }

    private static StepResult withNote(StepResult r, String note) {
        String all = r.note() == null || r.note().isEmpty() ? note : r.note() + "; " + note;
        return new StepResult(r.name(), r.workload(), r.nodes(), r.connections(), r.targetRate(), r.sentPerS(),
                r.deliveredPerS(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.lost(), r.duplicated(), r.reordered(),
                r.misrouted(), r.heapMb(), r.rssMb(), r.serverCpuPct(), r.redisCpuPct(), r.generatorCpuPct(),
                r.otherCpuPct(), r.generatorLagMs(), all);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench %tT] " + format + "%n", prepend(new java.util.Date(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    void stop() {
        for (PayaraNode node : new PayaraNode[]{nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    List<StepResult> results() {
        return results;
    }
}
