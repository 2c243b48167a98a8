package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Payara's race in opening the HTTP listener after deployment ({@code listener-open.asadmin}): now
 * and then its {@code set ...http-listener.enabled=true} reports success, two of its config threads
 * each create the listener, and neither binds the port. The node is up and never answers; the
 * only cure is to start it again. A watcher serves the node's later starts too: a new start's log
 * does not say so yet, and that sets it back.
 */
public final class ListenerRace {

    /** What the post-deployment command logs once it has run. */
    private static final String LISTENER_OPENED = "http-listener.enabled=true";
    /** How long the port may stay closed after that. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final int port;
    private long closedSince; // System.nanoTime() when first seen closed after the command; 0: not seen

    public ListenerRace(int port) {
        this.port = port;
    }

    /** Whether the node whose log this is has been hit: the command ran and the port refused connections for {@link #GRACE}. */
    public boolean hit(Path log) {
        if (!logSaysOpened(log) || portAccepts()) {
            closedSince = 0;
            return false;
        }
        if (closedSince == 0) {
            closedSince = System.nanoTime();
        }
        return System.nanoTime() - closedSince > GRACE.toNanos();
    }

    private static boolean logSaysOpened(Path log) {
        try (var lines = Files.lines(log)) {
            return lines.anyMatch(l -> l.contains(LISTENER_OPENED));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Refused means no listener; a slow node still accepts (or times out, which counts as accepting). */
    private boolean portAccepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
