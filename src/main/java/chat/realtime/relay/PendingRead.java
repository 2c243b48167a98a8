package chat.realtime.relay;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One read of the message log in flight, taken once: by its reply, handled where it arrives, or by
 * the follower giving it up because a connection to Redis closed. The closed connection may have
 * been the read's own; Redis then never answers it, and Redisson fails it only when its response
 * timeout ends, seconds later, while every socket of the node waits. A reply that arrives after the
 * read was given up is dropped: the follower's next read, from the same position, brings it again.
 *
 * @param <T> what handling the reply gives the follower
 */
final class PendingRead<T> {

    private final AtomicBoolean taken = new AtomicBoolean();
    private final CompletableFuture<Optional<T>> outcome = new CompletableFuture<>();

    /** Handles the read's reply with {@code onReply} where it arrives, unless the read was given up first. */
    <R> void expect(CompletionStage<R> read, Function<R, T> onReply) {
        read.whenComplete((reply, failure) -> {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            if (failure != null) {
                outcome.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                return;
            }
            try {
                outcome.complete(Optional.of(onReply.apply(reply)));
            } catch (RuntimeException | Error e) {
                outcome.completeExceptionally(e);
            }
        });
    }

    /** Wakes the follower at once with nothing, unless the reply has been taken already. */
    void giveUp() {
        if (taken.compareAndSet(false, true)) {
            outcome.complete(Optional.empty());
        }
    }

    /**
     * What handling the reply gave, or empty if the read was given up; throws the read's failure.
     */
    Optional<T> await() throws InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
