package chat.realtime.relay;

import chat.operations.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Whether the relay hears the other nodes right now, and one log line and one count for each
 * time it did not (docs/RELIABILITY.md). The node is not ready ({@code /health/ready} 503) while
 * the relay may be deaf or is repairing what it missed.
 *
 * <p>Deafness has three causes. A connection to Redis closed (Redisson says so, not which one):
 * the relay may be deaf until a probe sent after that is heard or Redisson re-subscribed; a
 * closed pool connection clears within milliseconds, without a log line. Redisson re-subscribed
 * (after a {@code CLIENT KILL}, a Redis restart): the subscription had been lost, logged as lost
 * and restored. The probe went unheard twice: lost, renewed by the relay, restored.
 */
@ApplicationScoped
public class RelayHealth {

    private static final Logger LOG = Logger.getLogger(RelayHealth.class.getName());

    @Inject
    Metrics metrics;

    private final AtomicInteger repairs = new AtomicInteger();
    private long deafSince; // System.nanoTime() when the relay may have become deaf; 0: hearing
    private String cause;
    private boolean lossLogged;
    private boolean subscribedOnce;

    /** A connection to Redis closed: perhaps the subscription's. */
    public synchronized void mayBeDeaf(String why) {
        if (deafSince == 0) {
            deafSince = System.nanoTime();
            cause = why;
            lossLogged = false;
        }
    }

    /** The subscription is known to be gone (probes unheard); the relay renews it. */
    public synchronized void lost(String why) {
        mayBeDeaf(why);
        logLoss(why);
    }

    /**
     * Redisson subscribed the relay's channel: the first time at start, afterwards because the
     * subscription had been lost (or renewed) and is back.
     */
    public synchronized void subscribed() {
        if (!subscribedOnce) {
            subscribedOnce = true;
            deafSince = 0;
            LOG.info("Relay subscribed: the node hears the other nodes");
            return;
        }
        logLoss(cause == null ? "the connection to Redis closed" : cause);
        long millis = deafSince == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deafSince);
        deafSince = 0;
        cause = null;
        metrics.relayEvent("subscription_restored");
        LOG.info(() -> "Relay subscription re-established (deaf for at most " + millis + " ms)");
    }

    /** The relay heard a probe it published at {@code sentNanos}: it was hearing then. */
    public synchronized void heardProbeSentAt(long sentNanos) {
        subscribedOnce = true; // hearing proves it, should Redisson not have told
        if (deafSince != 0 && sentNanos - deafSince >= 0) {
            if (lossLogged) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deafSince);
                metrics.relayEvent("subscription_restored");
                LOG.info(() -> "Relay hears again (deaf for at most " + millis + " ms)");
            }
            deafSince = 0;
            cause = null;
        }
    }

    private void logLoss(String why) {
        if (!lossLogged) {
            lossLogged = true;
            metrics.relayEvent("subscription_lost");
            LOG.warning(() -> "Relay subscription lost (" + why + ")");
        }
    }

    /** The node reads what it missed from the message log; it is not ready until it has. */
    public void repairStarted() {
        repairs.incrementAndGet();
    }

    /** The repair ended: {@code entries} of the log delivered since it could be read again (a gap when more than 0). */
    public void repairFinished(int entries) {
        repairs.decrementAndGet();
        if (entries > 0) {
            metrics.relayEvent("gap_repaired");
            metrics.messagesRepaired(entries);
            LOG.info(() -> "Repaired a gap: " + entries + " event(s) of the message log delivered since Redis answered again");
        }
    }

    /** The node told its sockets to catch up over HTTP (or, with {@code reload}, to reload). */
    public void resynchronised(String why, boolean reload, int sockets) {
        metrics.relayEvent(reload ? "reload" : "resync");
        LOG.warning(() -> "Told " + sockets + " socket(s) to " + (reload ? "reload" : "catch up over HTTP") + ": " + why);
    }

    /** Hearing every other node and not repairing. */
    public synchronized boolean isListening() {
        return deafSince == 0 && subscribedOnce && repairs.get() == 0;
    }

    /** Why the relay is not listening, for {@code /health/ready}. */
    public synchronized String detail() {
        if (!subscribedOnce) {
            return "not subscribed yet";
        }
        if (deafSince != 0) {
            return "may not hear other nodes since " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deafSince)
                    + " ms (" + cause + ")";
        }
        return repairs.get() > 0 ? "repairing what it missed" : "listening";
    }
}
