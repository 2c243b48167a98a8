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

    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
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
