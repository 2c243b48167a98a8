package chat.testing;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Highly available Redis topologies of real redis-server processes on free loopback ports:
 * {@link #sentinel()} (1 master, 1 replica, 3 sentinels) and {@link #cluster()} (3 masters,
 * each with a replica), with the same redis-server binary as {@link RedisServerProcess}: no
 * redis-cli or Redis installation is needed.
 */
public final class RedisHa implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";

    /** Where a cluster node's bus listens, above its port (fixed in Redis 6.2). */
    private static final int CLUSTER_BUS_OFFSET = 10000;

    private final Path dir;
    private final List<Server> servers = new ArrayList<>();

    private RedisHa(Path dir) {
        this.dir = dir;
    }

    /** A running server of the topology. */
    public record Server(String role, int port, Process process) {
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static RedisHa sentinel() {
        RedisHa ha = new RedisHa(WorkDirs.fresh("sentinel-"));
        try {
            Server master = ha.server("master", List.of());
            ha.server("replica", List.of("--replicaof", "127.0.0.1", String.valueOf(master.port())));
            for (int i = 0; i < 3; i++) {
                int port = Ports.free();
                Path conf = ha.dir.resolve("sentinel-" + port + ".conf");
                Files.writeString(conf, String.join("\n",
                        "port " + port, "bind 127.0.0.1", "dir " + ha.dir.toAbsolutePath(),
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
                        "sentinel failover-timeout " + MASTER_NAME + " 10000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                ha.start("sentinel", port, List.of(conf.toAbsolutePath().toString(), "--sentinel"));
            }
            Await.until("the replica in sync", Duration.ofSeconds(30), () -> ha.inSync(master.port()));
            Await.until("every sentinel to know the replica and the other sentinels", Duration.ofSeconds(60),
                    () -> ha.sentinels().stream().allMatch(s -> count(RedisCommand.send(s.port(), "SENTINEL", "REPLICAS", MASTER_NAME)) == 1
                            && count(RedisCommand.send(s.port(), "SENTINEL", "SENTINELS", MASTER_NAME)) == 2));
            return ha;
        } catch (IOException e) {
            ha.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            ha.close();
            throw e;
        }
    }

    /**
     * Three masters, each with a replica, put together with plain cluster commands (what
     * {@code redis-cli --cluster create} does), so no redis-cli is needed.
     */
    public static RedisHa cluster() {
        RedisHa ha = new RedisHa(WorkDirs.fresh("cluster-"));
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int port = Ports.freeWithNeighbour(CLUSTER_BUS_OFFSET);
                ha.start("cluster", port, List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", ha.dir.toAbsolutePath().toString(), "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "3000"));
                ports.add(port);
            }
            List<Integer> masters = ports.subList(0, 3);
            for (int m = 0; m < 3; m++) {
                int from = m * 16384 / 3;
                int to = (m + 1) * 16384 / 3 - 1;
                List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = from; slot <= to; slot++) {
                    addSlots.add(String.valueOf(slot));
                }
                RedisCommand.send(masters.get(m), addSlots.toArray(String[]::new));
            }
            for (int port : ports.subList(1, 6)) {
                RedisCommand.send(ports.get(0), "CLUSTER", "MEET", "127.0.0.1", String.valueOf(port));
            }
            Await.until("every node to know the five others", Duration.ofSeconds(60), () -> ports.stream()
                    .allMatch(p -> RedisCommand.text(p, "CLUSTER", "NODES").lines().filter(l -> !l.isBlank()).count() == 6));
            for (int r = 0; r < 3; r++) {
                String masterId = RedisCommand.text(masters.get(r), "CLUSTER", "MYID").trim();
                int replica = ports.get(3 + r);
                Await.until("node " + replica + " to replicate " + masterId, Duration.ofSeconds(30), () -> {
                    try {
                        return "OK".equals(String.valueOf(RedisCommand.send(replica, "CLUSTER", "REPLICATE", masterId)));
                    } catch (RuntimeException notKnownYet) {
                        return false;
                    }
                });
            }
            Await.until("cluster_state:ok on every node, each master with a replica", Duration.ofSeconds(60),
                    () -> ha.servers.stream().allMatch(s -> "ok".equals(clusterInfo(s.port(), "cluster_state")))
                            && ha.servers.stream().filter(s -> "master".equals(RedisCommand.info(s.port(), "replication", "role")))
                            .allMatch(s -> ha.inSync(s.port())));
            return ha;
        } catch (RuntimeException | Error e) {
            ha.close();
            throw e;
        }
    }

    public List<Server> servers() {
        return List.copyOf(servers);
    }

    public List<Server> sentinels() {
        return servers.stream().filter(s -> s.role().equals("sentinel")).toList();
    }

    /** The Redis (not sentinel) server listening on the port. */
    public Server server(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    /** The master's port as the sentinels see it now. */
    public int sentinelMasterPort() {
        for (Server s : sentinels()) {
            if (s.process().isAlive() && RedisCommand.send(s.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME) instanceof List<?> addr) {
                return Integer.parseInt(addr.get(1).toString());
            }
        }
        throw new IllegalStateException("no sentinel answers");
    }

    /** Whether every replica of this master has everything the master has (replication offsets equal). */
    public boolean inSync(int masterPort) {
        String connected = RedisCommand.info(masterPort, "replication", "connected_slaves");
        if (connected == null || Integer.parseInt(connected) < 1) {
            return false;
        }
        long offset = Long.parseLong(RedisCommand.info(masterPort, "replication", "master_repl_offset"));
        for (int i = 0; i < Integer.parseInt(connected); i++) {
            String slave = RedisCommand.info(masterPort, "replication", "slave" + i); // ip=..,port=..,state=online,offset=N,lag=0
            if (slave == null || !slave.contains("state=online") || !slave.contains("offset=" + offset + ",")) {
                return false;
            }
        }
        return true;
    }

    /** The master holding the key's slot, and its replica. */
    /**
     * The ports serving the key's slot as the first server sees them now: the master first, then
     * the replicas it knows of. Right after a failover the old master may not be listed yet.
     */
    public List<Integer> clusterServersOf(String key) {
        long slot = (Long) RedisCommand.send(servers.get(0).port(), "CLUSTER", "KEYSLOT", key);
        for (Object range : (List<?>) RedisCommand.send(servers.get(0).port(), "CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                return r.subList(2, r.size()).stream().map(node -> ((Long) ((List<?>) node).get(1)).intValue()).toList();
            }
        }
        throw new IllegalStateException("slot " + slot + " not served");
    }

    public static String clusterInfo(int port, String field) {
        for (String line : RedisCommand.text(port, "CLUSTER", "INFO").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        servers.forEach(Server::kill);
    }

    private Server server(String role, List<String> extra) {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toAbsolutePath().toString()));
        args.addAll(extra);
        return start(role, port, args);
    }

    private Server start(String role, int port, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(args);
        try {
            Path log = dir.resolve(role + "-" + port + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Server server = new Server(role, port, process);
            servers.add(server);
            Await.until(role + " on port " + port, Duration.ofSeconds(20), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(role + " on port " + port + " exited: " + ServerProcesses.tail(log));
                }
                return RedisCommand.answers(port);
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(Object reply) {
        return reply instanceof List<?> list ? list.size() : 0;
    }

    static String binary() {
        return RedisServerProcess.binary();
    }
}
