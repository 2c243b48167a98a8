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
 * client's other checks (its address's, as many at once as the node hashes), then behind its user's
 * (one at a time), and only then for the node. With one queue for all, a client running sixty
 * correct logins in parallel, with one account of its own or with many, kept everyone else's login
 * waiting for seconds and then refused (503); now its flood queues behind itself, and another
 * address waits for at most one turn per address that is busy. Gives up with 503 after
 * {@link #LONGEST_WAIT}. A browser the user has signed in with before (its device cookie, which no
 * one else can make) is a client of its own, not its address: a client running 100 correct logins
 * at once with accounts of its own behind an office's one address kept the office's own browsers
 * waiting past that limit (8 logins of 11 refused; found from outside).
 *
 * <p>A client's line holds at most {@link #IN_LINE_PER_TURN} checks per turn it gives at once, the
 * one being done included, and a user's {@link #IN_ONE_USERS_LINE}; one more is refused at once
 * (429, Retry-After) instead of waiting: every waiting check holds a request thread, and 100
 * logins from one address, each waiting its turn, held every request that address may have under
 * way at once, so that everyone behind it got 429 for everything, the user's own browser too (found
 * from outside). The client's line comes first so that a flood spread over many accounts of its
 * own is bounded by it as well. Before all of them, an address has at most
 * {@link #AT_ONCE_PER_ADDRESS} checks under way per turn of the node, its browsers with device
 * cookies included: a flood whose 100 accounts each sent its own device cookie (each a client of
 * its own) held the address's requests as before (found from outside when this was re-attacked).
 */
@ApplicationScoped
public class PasswordHashing {

    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);
    static final int IN_LINE_PER_TURN = 4;
    /** Far below CHAT_REQUESTS_PER_ADDRESS_AT_ONCE (100), so that one address's sign-ins never take its requests' places. */
    static final int AT_ONCE_PER_ADDRESS = 16;
    /** More than the attempts new browsers may have under way for one user (CHAT_LOGIN_FAILURES): the throttle speaks first. */
    static final int IN_ONE_USERS_LINE = 8;
    static final String FULL_LINE = "Too many sign-ins at once from here; try again in a moment";
    static final String FULL_USERS_LINE = "Too many sign-ins to this account at once; try again in a moment";

    @Inject
    Settings settings;

    private final Turns perUser = new Turns(1, IN_ONE_USERS_LINE, FULL_USERS_LINE);
    private Turns perAddress;
    private Turns perClient;
    private Turns node;

    @PostConstruct
    void size() {
        // As many turns as places: a count, never a wait.
        perAddress = new Turns(settings.bcryptConcurrency() * AT_ONCE_PER_ADDRESS, 1, FULL_LINE);
        perClient = new Turns(settings.bcryptConcurrency(), IN_LINE_PER_TURN, FULL_LINE);
        // Each client's line lets only its turns through to here: this one is bounded by theirs.
        node = new Turns(settings.bcryptConcurrency(), Integer.MAX_VALUE / settings.bcryptConcurrency(), "");
    }

    /**
     * Runs the work in turn for the client address, the client (the browser's device cookie for the
     * user, else its address) and the user ({@code null} for a name not registered yet); 429 when a
     * line is full, 503 when the turn does not come within {@link #LONGEST_WAIT}.
     */
    public <T> T run(String userId, String address, Optional<String> device, Supplier<T> work) {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        try (Turn fromAddress = perAddress.take(address, deadline);
             Turn ofClient = perClient.take(device.map(id -> "device " + id).orElse(address), deadline);
             Turn user = perUser.take(userId, deadline);
             Turn ofNode = node.take("", deadline)) {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatError(503, "Interrupted");
        }
    }

    /** A turn taken; closing it gives it back. */
    private interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Fair semaphores by key, each made at its first use and dropped when no one holds it or waits for it. */
    private static final class Turns {

        private final int atOnce;
        private final int mostInLine;
        private final String whenFull;
        private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

        Turns(int atOnce, int inLinePerTurn, String whenFull) {
            this.atOnce = atOnce;
            this.mostInLine = atOnce * inLinePerTurn;
            this.whenFull = whenFull;
        }

        Turn take(String key, long deadline) throws InterruptedException {
            if (key == null) {
                return () -> { };
            }
            boolean[] joined = {false};
            Line line = lines.compute(key, (k, existing) -> {
                Line found = existing != null ? existing : new Line(new Semaphore(atOnce, true));
                joined[0] = found.people < mostInLine;
                return joined[0] ? found.join() : found;
            });
            if (!joined[0]) {
                throw ChatError.tooManyRequests(whenFull, 1);
            }
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
