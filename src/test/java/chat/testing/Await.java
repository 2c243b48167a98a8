package chat.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline: the only way tests synchronise. A condition that
 * throws a {@link RuntimeException} is asked again (the thing may not answer yet); one that throws
 * an {@link AssertionError} ends the wait at once (the thing will never answer: its process exited).
 */
public final class Await {

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            pause();
        }
        AssertionError error = new AssertionError("Timed out after " + timeout + " waiting for: " + what);
        if (last != null) {
            error.initCause(last);
        }
        throw error;
    }

    public static <T> T value(String what, Duration timeout, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        until(what, timeout, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked") T t = (T) holder[0];
        return t;
    }

    /**
     * Holds for a part of a schedule the test plays from outside (a fault that lasts ten seconds,
     * a client that sends its body later): nothing is awaited, so this is no synchronisation.
     */
    public static void hold(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // polling interval, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Await() {
    }
}
