package chat.limits;

import chat.api.ChatError;
import chat.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many history reads (pages, catch-ups, General's preload, the read state, which reads each
 * room's newest messages) a node works on at once. A read
 * of 500 messages of 5,000 emoji is 10 MB from Redis, parsed and written again: 200 of them at once
 * from one client's few sessions held most of a 1 GiB heap, timed out other users' Redis commands
 * (503s) and made everyone's messages take 0.4-0.8 s instead of 3 ms. Beyond the limit a read
 * waits a moment for its turn, then gets 503 with {@code Retry-After}, which clients honour.
 */
@ApplicationScoped
public class HistoryReads {

    private static final long TURN_WAIT_MILLIS = 500;

    @Inject
    Settings settings;

    private Semaphore turns;

    @PostConstruct
    void start() {
        turns = new Semaphore(settings.historyReadsAtOnce(), true);
    }

    /** A turn to read history, to be closed when the read is done; or 503 when none comes soon. */
    public Turn take() {
        try {
            if (turns.tryAcquire(TURN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return new Turn(turns);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw ChatError.unavailable("This server is busy reading history; try again in a moment", 1);
    }

    /** A read's turn; closing it lets the next read in. */
    public static final class Turn implements AutoCloseable {

        private final Semaphore turns;

        private Turn(Semaphore turns) {
            this.turns = turns;
        }

        @Override
        public void close() {
            turns.release();
        }
    }
}
