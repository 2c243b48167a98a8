package chat.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the receivers of one workload step saw. Every message text carries the step, its sender,
 * its index in the step and the moment it was <em>due</em> to be sent ({@code ~step.sender.index.dueNanos});
 * latency is measured from that due time, not from when the generator managed to send it, so a
 * stalled sender or server shows up as latency (no coordinated omission). Each receiver keeps a
 * bit per message: a second arrival is a duplicate, a missing bit at the end is a loss, and an
 * index lower than the last one from the same sender is a reordering.
 */
final class Tally {

    static final String MARK = "\"message\":\"~";

    final int step;
    final int messages;
    private final long[] expected;
    private final BitSet[] seen;
    private final int[][] lastBySender;
    final Recorder latency = new Recorder(3);
    final LongAdder deliveries = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder reordered = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    final LongAdder foreign = new LongAdder();
    final AtomicLong lastDeliveryNanos = new AtomicLong();
    /** Per message, its earliest arrival at any receiver (µs after due): the server's way in, before its fan-out. */
    private final AtomicLongArray firstArrival;

    private final Audience audience;

    /** Who must receive which message of the step. */
    interface Audience {
        boolean includes(int receiver, int index);
    }

    /**
     * @param expected how many of the step's messages each receiver must get
     * @param audience which receiver must get which message (anything else is misrouted)
     * @param senders  how many distinct sender indexes the texts carry
     */
    Tally(int step, int messages, long[] expected, Audience audience, int senders) {
        this.step = step;
        this.messages = messages;
        this.expected = expected;
        this.audience = audience;
        this.seen = new BitSet[expected.length];
        this.lastBySender = new int[expected.length][];
        this.firstArrival = new AtomicLongArray(messages);
        for (int i = 0; i < messages; i++) {
            firstArrival.set(i, Long.MAX_VALUE);
        }
        for (int r = 0; r < expected.length; r++) {
            seen[r] = new BitSet(expected[r] == messages ? messages : 0);
            lastBySender[r] = new int[senders];
            java.util.Arrays.fill(lastBySender[r], -1);
        }
    }

    static String text(int step, int sender, int index, long dueNanos) {
        return "~" + step + "." + sender + "." + index + "." + dueNanos;
    }

    /** One server frame received by receiver {@code r}: one or more events as JSON lines. */
    void onFrame(int r, String frame, long now) {
        int at = frame.indexOf(MARK);
        while (at >= 0) {
            int p = at + MARK.length();
            long[] fields = new long[4];
            int f = 0;
            long value = 0;
            for (; p < frame.length() && f < 4; p++) {
                char c = frame.charAt(p);
                if (c >= '0' && c <= '9') {
                    value = value * 10 + (c - '0');
                } else {
                    fields[f++] = value;
                    value = 0;
                    if (c != '.') {
                        break;
                    }
                }
            }
            if (f == 4) {
                record(r, (int) fields[0], (int) fields[1], (int) fields[2], fields[3], now);
            }
            at = frame.indexOf(MARK, p);
        }
    }

    private void record(int r, int stepOfText, int sender, int index, long due, long now) {
        if (stepOfText != step || r >= seen.length || index >= messages) {
            foreign.increment(); // a late arrival from an earlier step
            return;
        }
        if (!audience.includes(r, index)) {
            unexpected.increment();
            return;
        }
        synchronized (seen[r]) {
            if (seen[r].get(index)) {
                duplicates.increment();
                return;
            }
            seen[r].set(index);
            int[] last = lastBySender[r];
            if (sender < last.length) {
                if (index < last[sender]) {
                    reordered.increment();
                } else {
                    last[sender] = index;
                }
            }
        }
        deliveries.increment();
        long micros = Math.max(0, (now - Bench.BASE_NANOS - due) / 1000);
        latency.recordValue(micros);
        firstArrival.accumulateAndGet(index, micros, Math::min);
        lastDeliveryNanos.accumulateAndGet(now, Math::max);
    }

    long expectedTotal() {
        long sum = 0;
        for (long e : expected) {
            sum += e;
        }
        return sum;
    }

    /** Deliveries that never came: for each receiver, what it should have got minus what it got. */
    long lost() {
        long lost = 0;
        for (int r = 0; r < seen.length; r++) {
            int got;
            synchronized (seen[r]) {
                got = seen[r].cardinality();
            }
            lost += Math.max(0, expected[r] - got);
        }
        return lost;
    }

    /** Where the losses are: how many sockets missed something, and how many distinct messages. */
    String lossPattern() {
        BitSet missing = new BitSet(messages);
        int sockets = 0;
        int firstSocket = -1;
        for (int r = 0; r < seen.length; r++) {
            BitSet expectedHere = new BitSet(messages);
            for (int i = 0; i < messages; i++) {
                if (audience.includes(r, i)) {
                    expectedHere.set(i);
                }
            }
            synchronized (seen[r]) {
                expectedHere.andNot(seen[r]);
            }
            if (!expectedHere.isEmpty()) {
                sockets++;
                firstSocket = firstSocket < 0 ? r : firstSocket;
                missing.or(expectedHere);
            }
        }
        return missing.cardinality() + " distinct messages missing at " + sockets + " sockets (first message: #"
                + missing.nextSetBit(0) + ", first socket: #" + firstSocket + ")";
    }

    /** The latency of each message's earliest arrival at any receiver. */
    Histogram firstArrivals() {
        Histogram h = new Histogram(3);
        for (int i = 0; i < messages; i++) {
            long micros = firstArrival.get(i);
            if (micros != Long.MAX_VALUE) {
                h.recordValue(micros);
            }
        }
        return h;
    }

    Histogram histogram() {
        return latency.getIntervalHistogram();
    }
}
