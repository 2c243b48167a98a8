package chat.operations;

/**
 * Events per second over the last {@link #SECONDS} whole seconds, for readers without a
 * Prometheus server to compute {@code rate()} from the counters.
 */
final class RateWindow {

    static final int SECONDS = 10;

    private final long[] counts = new long[SECONDS + 1];
    private final long[] secondOf = new long[SECONDS + 1];

    synchronized void add(long n, long nowMillis) {
        long second = nowMillis / 1000;
        int slot = (int) (second % counts.length);
        if (secondOf[slot] > second) {
            return; // the clock went back: that second's slot was reused already
        }
        if (secondOf[slot] != second) {
            secondOf[slot] = second;
            counts[slot] = 0;
        }
        counts[slot] += n;
    }

    /** The mean rate over the {@link #SECONDS} seconds before the current (incomplete) one. */
    synchronized double perSecond(long nowMillis) {
        long current = nowMillis / 1000;
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (secondOf[i] < current && secondOf[i] >= current - SECONDS) {
                total += counts[i];
            }
        }
        return total / (double) SECONDS;
    }
}
