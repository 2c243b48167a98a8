package chat.realtime.socket;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Sockets the handshake filter let through that the endpoint has not registered yet. Each holds a
 * place under {@code CHAT_MAX_SOCKETS} from the filter until {@link ChatSocket#open} registers it:
 * on Payara that runs after the filter has returned, so a count kept only inside the filter let a
 * storm's handshakes slip past a full node, and the endpoint then had to close them in
 * {@code onOpen}, where Payara recycles the handshake's request while it still uses it (SEVERE
 * traces, and another handshake's response written by the wrong thread).
 * <p>
 * The same count bounds the handshakes a node works on at once ({@code CHAT_WS_HANDSHAKES_AT_ONCE}).
 * A burst of thousands waits in the container's queue, and Grizzly closes a connection that has
 * waited there past its idle timeout (30 s) without an answer, or while Tyrus writes the 101
 * (then Payara logs SEVERE). Refusing what is beyond the bound right after the session lookup
 * costs little, so the queue drains in seconds and every client hears 503 or 101.
 * <p>
 * A place also counts against its client address's limit ({@code CHAT_SOCKETS_PER_ADDRESS}) once
 * {@link Opening#claimFrom claimed} for it.
 */
@ApplicationScoped
public class OpeningSockets {

    /**
     * Far longer than a handshake takes from the filter to the endpoint's registration. A place held longer was lost:
     * its socket will never register (Tyrus failed after writing the 101, as it did for a query it cannot parse), and it
     * is given back. Before, such places were never given back, and 100 crafted handshakes from one account made the
     * node refuse every socket to everyone until it restarted.
     */
    static final long LOST_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Logger LOG = Logger.getLogger(OpeningSockets.class.getName());

    private final AtomicInteger opening = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openingFrom = new ConcurrentHashMap<>();
    private final Set<Opening> underWay = ConcurrentHashMap.newKeySet();
    LongSupplier clock = System::nanoTime;

    /**
     * A place for one more socket, or none when the {@code open} sockets and those opening fill
     * {@code limit}, or when {@code atOnce} handshakes are under way already (0: no such bound).
     * Atomic against other handshakes: a socket registers before its place is finished, so the sum
     * never undercounts.
     */
    public Optional<Opening> admit(IntSupplier open, int limit, int atOnce) {
        while (true) {
            int n = opening.get();
            if (open.getAsInt() + n >= limit || atBound(n, atOnce)) {
                if (giveBackLost() == 0) {
                    return Optional.empty();
                }
            } else if (opening.compareAndSet(n, n + 1)) {
                Opening place = new Opening(clock.getAsLong());
                underWay.add(place);
                return Optional.of(place);
            }
        }
    }

    /** Finishes the places held longer than {@link #LOST_AFTER_NANOS}; how many. Looked at only when places run out. */
    public int giveBackLost() {
        long now = clock.getAsLong();
        int lost = 0;
        for (Opening place : underWay) {
            if (now - place.started > LOST_AFTER_NANOS && place.finishIfHeld()) {
                lost++;
            }
        }
        if (lost > 0) {
            int given = lost;
            LOG.warning(() -> given + " handshake place(s) held for more than 30 s without their sockets registering: given back");
        }
        return lost;
    }

    public int count() {
        return opening.get();
    }

    /** Whether {@code atOnce} handshakes are under way already (0: no such bound); {@link #admit} decides exactly. */
    public boolean isBusy(int atOnce) {
        return atBound(opening.get(), atOnce) && giveBackLost() == 0;
    }

    private static boolean atBound(int underWay, int atOnce) {
        return atOnce > 0 && underWay >= atOnce;
    }

    /** What {@link Opening#claimFrom} made of a place under an address's limits. */
    public enum Claim { CLAIMED, TOO_MANY_SOCKETS, TOO_MANY_AT_ONCE }

    /** One socket's place: finished once, when it is registered or when its handshake did not upgrade. */
    public final class Opening {

        private final AtomicBoolean finished = new AtomicBoolean();
        private final long started;
        private volatile String address;

        private Opening(long started) {
            this.started = started;
        }

        /**
         * Holds this place under the address's limits too: {@link Claim#TOO_MANY_SOCKETS} when the
         * {@code open} sockets from {@code address} and its handshakes under way fill {@code limit},
         * {@link Claim#TOO_MANY_AT_ONCE} when its handshakes under way are {@code share} already (0: no share).
         * Exact for the same reason as {@link #admit}: a burst from one address read the open sockets alone and all passed.
         * The share keeps one address from holding every place of {@code CHAT_WS_HANDSHAKES_AT_ONCE}: on Open Liberty
         * a handshake whose client resets the connection after sending it never opens its socket, and 100 of them
         * from one client held every place until they lapsed ({@link #LOST_AFTER_NANOS}), found from outside. A full
         * share first gives back lost places, which {@link #admit} looks for only when the whole node is full.
         */
        public Claim claimFrom(String address, LongSupplier open, int limit, int share) {
            Claim claim = tryClaimFrom(address, open, limit, share);
            if (claim == Claim.TOO_MANY_AT_ONCE && giveBackLost() > 0) {
                claim = tryClaimFrom(address, open, limit, share);
            }
            return claim;
        }

        private Claim tryClaimFrom(String address, LongSupplier open, int limit, int share) {
            Claim[] claim = {Claim.CLAIMED};
            openingFrom.compute(address, (from, underWay) -> {
                int n = underWay == null ? 0 : underWay;
                if (open.getAsLong() + n >= limit) {
                    claim[0] = Claim.TOO_MANY_SOCKETS;
                    return underWay;
                }
                if (share > 0 && n >= share) {
                    claim[0] = Claim.TOO_MANY_AT_ONCE;
                    return underWay;
                }
                return n + 1;
            });
            if (claim[0] == Claim.CLAIMED) {
                this.address = address;
            }
            return claim[0];
        }

        public void finish() {
            finishIfHeld();
        }

        private boolean finishIfHeld() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            underWay.remove(this);
            opening.decrementAndGet();
            if (address != null) {
                openingFrom.computeIfPresent(address, (from, n) -> n == 1 ? null : n - 1);
            }
            return true;
        }
    }
}
