package chat.realtime.socket;

import chat.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.function.LongSupplier;

/**
 * How many WebSocket handshakes this node takes per second ({@code CHAT_WS_HANDSHAKES_PER_SECOND},
 * as many again at once). When every client of a restarted node reconnects within seconds, the
 * excess is refused at once, after the session lookup only, with a {@code Retry-After} that grows with the
 * number of clients already told to come back, so that they return spread over the time the node
 * needs for them (the browser client adds jitter). Without it thousands of handshakes queued in
 * the container, which rejected them with SEVERE traces past 4,096 waiting tasks. Handshakes
 * refused because too many are under way at once ({@link #busy}) are told to come back the same way.
 */
@ApplicationScoped
public class HandshakeAdmission {

    private static final int MAX_RETRY_AFTER_SECONDS = 60;
    /** How fast refused clients are expected back when the rate is unlimited (only the at-once bound refuses). */
    private static final double UNLIMITED_PACE = 1000;

    @Inject
    Settings settings;

    LongSupplier clock = System::nanoTime; // a test's own clock

    private double rate;
    private double pace; // refused clients a second the node expects to take back
    private double tokens;
    private double toldToComeBack; // refused clients not yet due back; drains at the pace
    private long lastNanos;

    @PostConstruct
    void start() {
        rate = settings.handshakesPerSecond();
        pace = rate > 0 ? rate : UNLIMITED_PACE;
        tokens = rate;
        lastNanos = clock.getAsLong();
    }

    /**
     * Takes a turn for one handshake.
     *
     * @return 0 to go ahead, otherwise the seconds after which the client should try again
     */
    public synchronized int admit() {
        if (rate <= 0) {
            return 0;
        }
        refill();
        if (tokens >= 1) {
            tokens--;
            return 0;
        }
        return tellToComeBack();
    }

    /** Like {@link #admit} without taking a turn: what a client asking whether to try now would be told. */
    public synchronized int peek() {
        if (rate <= 0) {
            return 0;
        }
        refill();
        return tokens >= 1 ? 0 : retryAfterSeconds();
    }

    /** A handshake refused (too many this second, or under way at once): when to come back. */
    public synchronized int busy() {
        refill();
        return tellToComeBack();
    }

    /** What a client asking whether to try now is told while the node works on as many handshakes as it may. */
    public synchronized int peekBusy() {
        refill();
        return retryAfterSeconds();
    }

    private int tellToComeBack() {
        toldToComeBack++;
        return retryAfterSeconds();
    }

    private int retryAfterSeconds() {
        return (int) Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(toldToComeBack / pace)));
    }

    private void refill() {
        long now = clock.getAsLong();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        tokens = Math.min(rate, tokens + seconds * rate);
        toldToComeBack = Math.max(0, toldToComeBack - seconds * pace);
    }
}
