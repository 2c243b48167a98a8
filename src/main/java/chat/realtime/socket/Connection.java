package chat.realtime.socket;

import chat.realtime.hub.LocalSocket;
import chat.realtime.hub.OutboundEvent;
import chat.realtime.tyrus.TyrusAdapter;
import chat.realtime.tyrus.TyrusRawFrames;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open socket with its outbound queue. By default an event for an idle socket is written at
 * once, from the thread that produced it; events that arrive while that socket's write is in
 * flight wait and go out together as the next frame of JSON lines (docs/PROTOCOL.md, "WebSocket"), so a busy
 * socket costs one write per batch, not per event, without a fixed delay. With
 * {@code CHAT_WS_FLUSH_INTERVAL_MS} set, sockets are written in the {@link OutboundFlusher}'s
 * passes instead. A socket that lets more pile up than its {@link OutboundBudget} allows is too
 * slow and is dropped; nobody else waits for it. A dropped socket's TCP connection is aborted, not just
 * closed (see {@link #drop}).
 */
public final class Connection implements LocalSocket {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final int MAX_BATCH_CHARS = 60_000;
    private static final long CLOSED = -1; // the backlog of a socket that is gone
    /** How long {@link #closeOnceWritten} lets the queued events go out before it closes anyway. */
    private static final Duration SEALED_WRITES_AT_MOST = Duration.ofSeconds(2);

    private final Session session;
    private final String userId;
    private final String sessionKey;
    private final OutboundBudget budget;
    private final ConcurrentLinkedQueue<OutboundEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong backlog = new AtomicLong(); // bytes queued or being written; CLOSED once the socket is
    private long writingBytes; // of the batch in flight; only the holder of the write touches it
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean sealed; // takes no more events: closes once what it holds is written (closeOnceWritten)
    private final String address;
    private volatile long lastHeardMillis = System.currentTimeMillis();
    private volatile long lastTouchedMillis = System.currentTimeMillis();

    private final Queue<Connection> lane; // the flusher's list of sockets to write in its next pass; null: write at once
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final OutboundFlusher flusher; // watches raw writes that did not finish at once; null: none (tests)
    private final WriteLanes writers; // write an idle socket at once; null: the thread that sends the event does (tests)
    private final TyrusAdapter tyrus;
    private final TyrusRawFrames raw; // null: written with the standard API
    private volatile Future<?> rawWrite; // the raw frame in flight; written only by the holder of the write
    private final Consumer<String> dropped;

    /**
     * @param flusher writes this socket in its passes when it makes them, or finishes its unfinished raw writes;
     *                null: none, the socket is written with the standard API as soon as it can be
     * @param dropped told the cause ({@code slow}, {@code silent}, {@code write_failed}) when the node drops this socket
     */
    public Connection(Session session, String userId, String sessionKey, String address, OutboundBudget budget, OutboundFlusher flusher,
                      TyrusAdapter tyrus, Consumer<String> dropped) {
        this.dropped = dropped;
        boolean passing = flusher != null && flusher.isPassing();
        // the lane itself, not the flusher: a call through the flusher's CDI proxy per event cost a few % of the node's CPU
        this.lane = passing ? flusher.lane() : null;
        this.flusher = passing ? null : flusher;
        this.writers = passing || flusher == null ? null : flusher.writers();
        this.tyrus = tyrus;
        this.raw = flusher != null ? tyrus.rawFrames(session) : null;
        this.session = session;
        this.userId = userId;
        this.sessionKey = sessionKey;
        this.address = address;
        this.budget = budget;
    }

    @Override
    public String address() {
        return address;
    }

    /** The client answered a ping or sent a frame. */
    public void heard() {
        lastHeardMillis = System.currentTimeMillis();
    }

    @Override
    public long lastHeardMillis() {
        return lastHeardMillis;
    }

    /** True at most once a minute: time to restart the session's idle clock. */
    public boolean dueForSessionTouch() {
        long now = System.currentTimeMillis();
        if (now - lastTouchedMillis > 60_000) {
            lastTouchedMillis = now;
            return true;
        }
        return false;
    }

    @Override
    public void ping() {
        if (closing.get()) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(java.nio.ByteBuffer.wrap(new byte[]{'c'}));
        } catch (IOException | RuntimeException busyOrClosing) {
            // Not fatal: a socket that really is dead answers no ping and is closed at the idle timeout.
            LOG.fine(() -> "Ping of " + session.getId() + " not sent: " + busyOrClosing);
        }
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public String sessionKey() {
        return sessionKey;
    }

    public void send(String frame) {
        send(new OutboundEvent(frame));
    }

    /** Queues the event for this socket; the same event may be queued for many sockets. */
    @Override
    public void send(OutboundEvent frame) {
        if (closing.get() || sealed) {
            return;
        }
        if (queued.incrementAndGet() > budget.socketEvents() || !hold(frame.utf8().length + 1)) {
            drop("slow", CloseReason.CloseCodes.TRY_AGAIN_LATER, "Too slow: outbound queue full");
            return;
        }
        pending.add(frame);
        if (lane != null) {
            scheduleFlush();
        } else if (writers == null) {
            writePending();
        } else if (!writing.get() && scheduled.compareAndSet(false, true)) {
            // One task per idle socket, not per event: what arrives before it runs goes out with it.
            writers.write(this);
        }
    }

    /** A writer's turn: writes what is pending unless a write is in flight (whose end writes the rest). */
    void writeHandedOff() {
        scheduled.set(false); // first: an event queued from now on, while no write is in flight, hands off again
        writePending();
    }

    /**
     * Writes what is pending as one frame unless a write is in flight: then the end of that write
     * writes what piled up meanwhile, so nothing waits for a pass and nothing is written twice.
     */
    private void writePending() {
        while (!pending.isEmpty() && writing.compareAndSet(false, true)) {
            if (!writeFrame()) {
                return; // in flight: its end continues
            }
        }
    }

    /**
     * Writes what is pending as one frame; the caller holds {@code writing}.
     *
     * @return true when the write is over (and {@code writing} released), false while it is in flight
     */
    private boolean writeFrame() {
        if (raw == null) {
            return sendText();
        }
        List<OutboundEvent> batch = drain();
        if (batch.isEmpty() || closing.get()) {
            writing.set(false);
            return true;
        }
        Future<?> write;
        try {
            write = raw.send(batch);
        } catch (Exception e) { // closed under our feet
            failed(new IllegalStateException(e));
            return false;
        }
        if (!write.isDone()) { // the kernel's buffer is full: Grizzly finishes it later
            rawWrite = write;
            flusher.watch(this);
            return false;
        }
        return rawWriteOver(write);
    }

    /**
     * Called by the flusher for a raw write that did not finish at once.
     *
     * @return false while it is still in flight
     */
    boolean finishRawWrite() {
        Future<?> write = rawWrite;
        if (write == null || !write.isDone()) {
            return write == null;
        }
        rawWrite = null;
        if (rawWriteOver(write)) {
            writePending();
        }
        return true;
    }

    private boolean rawWriteOver(Future<?> write) {
        try {
            write.get();
        } catch (Exception e) {
            failed(new IllegalStateException(e));
            return false;
        }
        release(writingBytes);
        writing.set(false);
        return true;
    }

    /** Counts the bytes of an event queued for this socket, when its budget has room for them. */
    private boolean hold(long bytes) {
        while (true) {
            long held = backlog.get();
            if (held == CLOSED || !budget.admits(held, bytes)) {
                return false;
            }
            if (backlog.compareAndSet(held, held + bytes)) {
                budget.add(bytes);
                return true;
            }
        }
    }

    /** The bytes of a finished write no longer wait. */
    private void release(long bytes) {
        while (true) {
            long held = backlog.get();
            if (held == CLOSED) {
                return; // given back at the close, in flight or not
            }
            if (backlog.compareAndSet(held, held - bytes)) {
                budget.add(-bytes);
                return;
            }
        }
    }

    /** The socket is gone: everything it held is given back, once. */
    private void releaseAll() {
        long held = backlog.getAndSet(CLOSED);
        if (held > 0) {
            budget.add(-held);
        }
    }

    /** The client closed the socket: nothing more is written to it. */
    public void ended() {
        closing.set(true);
        pending.clear();
        releaseAll();
    }

    private void scheduleFlush() {
        if (scheduled.compareAndSet(false, true)) {
            lane.add(this);
        }
    }

    /** The flusher could not write this socket. */
    void failed(RuntimeException e) {
        LOG.fine(() -> "Writing socket " + session.getId() + " failed, closing it: " + e);
        writing.set(false);
        drop("write_failed", CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
    }

    /** The flusher's pass: writes what is pending as one frame, unless a write is still under way (its end flushes again). */
    void flush() {
        scheduled.set(false); // first: a frame queued from now on schedules another pass
        if (raw != null) {
            flushRaw();
        } else if (!pending.isEmpty() && writing.compareAndSet(false, true)) {
            sendText();
        }
    }

    /** Writes what is pending as one frame with the standard API; the caller holds {@code writing}. */
    private boolean sendText() {
        OutboundEvent first = pending.poll();
        if (first == null) {
            writing.set(false);
            return true;
        }
        int count = 1;
        long bytes = first.utf8().length + 1;
        StringBuilder batch = null;
        OutboundEvent next;
        while ((batch == null ? first.json().length() : batch.length()) < MAX_BATCH_CHARS && (next = pending.poll()) != null) {
            if (batch == null) {
                batch = new StringBuilder(first.json().length() * 4).append(first.json());
            }
            batch.append('\n').append(next.json());
            count++;
            bytes += next.utf8().length + 1;
        }
        queued.addAndGet(-count);
        String text = batch == null ? first.json() : batch.toString();
        long written = bytes;
        try {
            session.getAsyncRemote().sendText(text, result -> {
                release(written);
                writing.set(false);
                if (!result.isOK()) {
                    drop("write_failed", CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
                } else if (lane == null) {
                    writePending();
                } else if (!pending.isEmpty()) {
                    scheduleFlush();
                }
            });
        } catch (RuntimeException e) { // closed under our feet
            writing.set(false);
            drop("write_failed", CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
        }
        return false; // the handler continues, even when it ran already
    }

    /**
     * The flusher's pass over this socket with raw frames: if the previous frame is still being
     * written, look again next pass (what piles up meanwhile goes out together, and a socket that
     * never drains reaches the queue limit); otherwise write what is pending as one frame.
     */
    private void flushRaw() {
        Future<?> previous = rawWrite;
        if (previous != null) {
            if (!previous.isDone()) {
                if (!pending.isEmpty()) {
                    scheduleFlush();
                }
                return;
            }
            rawWrite = null;
            try {
                previous.get();
            } catch (Exception e) {
                failed(new IllegalStateException(e));
                return;
            }
            release(writingBytes);
        }
        List<OutboundEvent> batch = drain();
        if (batch.isEmpty() || closing.get()) {
            return;
        }
        try {
            rawWrite = raw.send(batch);
        } catch (Exception e) { // closed under our feet
            failed(new IllegalStateException(e));
            return;
        }
        if (!pending.isEmpty()) {
            scheduleFlush();
        }
    }

    /** Takes what is pending, up to about one frame's worth, off the queue. */
    private List<OutboundEvent> drain() {
        List<OutboundEvent> batch = new ArrayList<>();
        int bytes = 0;
        OutboundEvent next;
        while (bytes < MAX_BATCH_CHARS && (next = pending.poll()) != null) {
            batch.add(next);
            bytes += next.utf8().length + 1;
        }
        queued.addAndGet(-batch.size());
        writingBytes = bytes;
        return batch;
    }

    /**
     * Drops the socket: sends a close frame for a client that still reads, then aborts the TCP
     * connection, since a client that does not read never lets the close frame out and the
     * connection would stay open with everything queued for it. Logged once, counted by cause.
     */
    @Override
    public void drop(String cause, CloseReason.CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        int unsent = Math.max(0, queued.get());
        pending.clear();
        releaseAll();
        dropped.accept(cause);
        CompletableFuture.runAsync(() -> {
            boolean aborted = tyrus.closeAborting(session, new CloseReason(code, reason));
            // A peer that went away fails writes all the time; slow and silent ones are worth an operator's look.
            Level level = "write_failed".equals(cause) ? Level.FINE : Level.INFO;
            LOG.log(level, () -> "Dropped socket " + session.getId() + " of user " + userId + " from " + address + ": " + reason
                    + " (" + unsent + " event(s) unsent); TCP connection " + (aborted ? "aborted" : "left to the runtime"));
        });
    }

    /**
     * Takes no more events and closes once those it holds are written (at most
     * {@link #SEALED_WRITES_AT_MOST} later): for a refusal that explains the close right behind it,
     * which {@link #close} would drop with the rest of the queue (a post refused because its session
     * had ended reached its client in some runs and not in others). Rare, so the wait looks every
     * few milliseconds instead of hooking into every write path.
     */
    public void closeOnceWritten(CloseReason.CloseCode code, String reason) {
        sealed = true;
        long deadline = System.nanoTime() + SEALED_WRITES_AT_MOST.toNanos();
        CompletableFuture.runAsync(() -> {
            while ((!pending.isEmpty() || writing.get()) && !closing.get() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            closeNow(code, reason);
        });
    }

    /** Closes without blocking the caller (a stuck socket may block its close handshake); a sealed socket closes itself. */
    @Override
    public void close(CloseReason.CloseCode code, String reason) {
        if (!sealed) {
            closeNow(code, reason);
        }
    }

    private void closeNow(CloseReason.CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        pending.clear();
        releaseAll();
        CompletableFuture.runAsync(() -> {
            try {
                session.close(new CloseReason(code, reason));
            } catch (IOException | RuntimeException e) {
                // Closing one that is already closed is routine; one that stays open is a problem.
                Level level = session.isOpen() ? Level.INFO : Level.FINE;
                LOG.log(level, () -> "Closing socket " + session.getId() + " (" + code.getCode() + "): " + e);
            }
        });
    }
}
