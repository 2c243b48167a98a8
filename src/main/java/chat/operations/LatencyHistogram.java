package chat.operations;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram of durations in seconds: fixed buckets, lock-free recording. */
final class LatencyHistogram {

    static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final String[] LABELS = Arrays.stream(BOUNDS)
            .mapToObj(b -> java.math.BigDecimal.valueOf(b).stripTrailingZeros().toPlainString()).toArray(String[]::new);

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        long n = Math.max(0, nanos);
        double seconds = n / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumNanos.add(n);
    }

    /** Appends the {@code _bucket}, {@code _sum} and {@code _count} lines; {@code labels} is empty or {@code a="b",}. */
    void writeTo(StringBuilder out, String name, String labels) {
        long cumulative = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cumulative += buckets[i].sum();
            out.append(name).append("_bucket{").append(labels).append("le=\"").append(LABELS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        long total = count.sum();
        out.append(name).append("_bucket{").append(labels).append("le=\"+Inf\"} ").append(total).append('\n');
        String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
        out.append(name).append("_sum").append(plain).append(' ').append(sumNanos.sum() / 1e9).append('\n');
        out.append(name).append("_count").append(plain).append(' ').append(total).append('\n');
    }
}
