package chat.users.control;

import chat.api.ChatError;
import chat.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node's bcrypt work (a check or a hash costs ~70 ms of a core), at most
 * {@code CHAT_BCRYPT_CONCURRENCY} at once and handed out in turns: a check waits first behind its
 * user's other checks (one at a time), then behind its client address's (as many at once as the
 * node hashes), and only then for the node. With one queue for all, a client running sixty correct
 * logins in parallel, with one account of its own or with many, kept everyone else's login waiting
 * for seconds and then refused (503); now its flood queues behind itself, and another address waits
 * for at most one turn per address that is busy. Gives up with 503 after {@link #LONGEST_WAIT}.
 * A browser the user has signed in with before (its device cookie, which no one else can make)
 * takes its turns as itself, not as its address: a client running 100 correct logins at once with
 * accounts of its own behind an office's one address kept the office's own browsers waiting past
 * that limit (8 logins of 11 refused; found from outside).
 */
@ApplicationScoped
public class PasswordHashing {

    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    @Inject
    Settings settings;

    private final Turns perUser = new Turns(1);
    private Turns perAddress;
    private Turns node;

    @PostConstruct
    void size() {
        perAddress = new Turns(settings.bcryptConcurrency());
        node = new Turns(settings.bcryptConcurrency());
    }

    /**
     * Runs the work in turn for the user ({@code null} for a name not registered yet) and the
     * client address; 503 when the turn does not come within {@link #LONGEST_WAIT}.
     */
    public <T> T run(String userId, String address, Supplier<T> work) {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        try (Turn user = perUser.take(userId, deadline);
             Turn fromAddress = perAddress.take(address, deadline);
             Turn ofNode = node.take("", deadline)) {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatError(503, "Interrupted");
        }
    }

    /** Whose turns a check takes besides its user's: the user's own browser's, else its client address's. */
    public static String client(Optional<String> device, String address) {
        return device.map(id -> "device " + id).orElse(address);
    }

    /** A turn taken; closing it gives it back. */
    private interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Fair semaphores by key, each made at its first use and dropped when no one holds it or waits for it. */
    private static final class Turns {

        private final int atOnce;
        private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

        Turns(int atOnce) {
            this.atOnce = atOnce;
        }

        Turn take(String key, long deadline) throws InterruptedException {
            if (key == null) {
                return () -> { };
            }
            Line line = lines.compute(key, (k, existing) -> (existing != null ? existing : new Line(new Semaphore(atOnce, true))).join());
            boolean taken = false;
            try {
                taken = line.semaphore().tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } finally {
                if (!taken) {
                    leave(key);
                }
            }
            if (!taken) {
                throw new ChatError(503, "Too many logins at once, try again shortly");
            }
            return () -> {
                line.semaphore().release();
                leave(key);
            };
        }

        private void leave(String key) {
            lines.computeIfPresent(key, (k, line) -> line.leave() ? null : line);
        }
    }

    /** A key's semaphore and how many hold it or wait for it (changed only inside the map's compute for that key). */
    private static final class Line {

        private final Semaphore semaphore;
        private int people;

        Line(Semaphore semaphore) {
            this.semaphore = semaphore;
        }

        Semaphore semaphore() {
            return semaphore;
        }

        Line join() {
            people++;
            return this;
        }

        /** True when the last one left. */
        boolean leave() {
            return --people == 0;
        }
    }
}
