package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

public final class Ports {

    /** Handed out already: a port is free until its process binds it, so never hand it out twice. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /** 127.0.0.1, ::1 and ::ffff:127.0.0.1 as /proc/net/tcp{,6} write them (32-bit words in host order). */
    private static final Set<String> LOOPBACK = Set.of("0100007F", "00000000000000000000000001000000",
            "0000000000000000FFFF00000100007F");

    /**
     * A port nothing listens on, above the kernel's range of ephemeral ports
     * ({@code ip_local_port_range}), where no outgoing connection takes its local port. A port of
     * that range, free when picked, was now and then taken by one of the many connections the
     * tests make while a server boots (a Payara node takes 20 s), and that server could then never
     * bind it: seen as SentinelFailoverIT's second node logging "ready" with a listener that never
     * accepted, through three starts on the same port.
     */
    public static int free() {
        int[] ephemeral = ephemeralRange();
        int above = 65535 - ephemeral[1];
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = above >= 500 ? ephemeral[1] + 1 + ThreadLocalRandom.current().nextInt(above) : anyFree();
            if (!GIVEN.contains(port) && allFree(port) && GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port");
    }

    /** The kernel's ephemeral ports, lowest and highest (Linux's default where it cannot be read). */
    private static int[] ephemeralRange() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[]{Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[]{32768, 60999};
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port whose neighbour {@code offset} above is free too (a Redis Cluster node listens
     * on its port and on port + 10000 for its bus, and Redis 6.2 cannot be told otherwise). Both
     * lie below the ephemeral range (32768 and up on Linux), so no outgoing connection of another
     * test can take the bus port between this check and the server's bind, and the bus port
     * never runs past 65535.
     */
    public static int freeWithNeighbour(int offset) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(32768 - offset - 20000);
            if (!GIVEN.contains(port) && !GIVEN.contains(port + offset) && allFree(port, port + offset) && GIVEN.add(port)) {
                GIVEN.add(port + offset);
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports " + offset + " apart");
    }

    /** Whether nothing listens on any of these ports now (each bound once on every address). */
    static boolean allFree(int... ports) {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    /** A listening TCP socket: its port, and whether it is bound to a loopback address only. */
    public record Listening(int port, boolean loopback) {
    }

    /**
     * The TCP sockets a process listens on (Linux): its socket descriptors ({@code /proc/PID/fd})
     * matched by inode against the listening sockets of {@code /proc/net/tcp} and {@code tcp6}.
     */
    public static Set<Listening> listenedOnBy(long pid) {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            Set<String> inodes = new HashSet<>();
            descriptors.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listed is not a listening socket of interest
                }
            });
            Set<Listening> listening = new HashSet<>();
            for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) { // after the header
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
                        String address = f[1].substring(0, f[1].indexOf(':'));
                        int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                        listening.add(new Listening(port, LOOPBACK.contains(address)));
                    }
                }
            }
            return listening;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Ports() {
    }
}
