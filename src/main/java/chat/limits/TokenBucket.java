package chat.limits;

/**
 * One token bucket: a burst at once, then a steady rate, in this node's memory. Not thread-safe:
 * its owner lets one thread at a time take from it.
 */
public final class TokenBucket {

    private final double burst;
    private final double perSecond;
    private double tokens;
    private long at;

    /** Full, as of {@code now} ({@link System#nanoTime()}). */
    public TokenBucket(double burst, double perSecond, long now) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.tokens = burst;
        this.at = now;
    }

    /** Takes a token as of {@code now}; false when there is none. */
    public boolean take(long now) {
        refill(now);
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    /** {@code now} may have been read before the owner's lock: a thread that read it earlier may come second, and adds nothing. */
    private void refill(long now) {
        if (now > at) {
            tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
            at = now;
        }
    }
}
