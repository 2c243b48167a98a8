package chat.realtime.socket;

import chat.realtime.tyrus.TyrusRawFrames;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open socket with its outbound queue. Frames are written by at most one asynchronous
 * write at a time; whatever piles up meanwhile goes out as one frame of JSON lines (docs/PROTOCOL.md, "WebSocket"),
 * so a busy socket costs one write per batch, not per event. A socket that lets more than
 * {@code limit} frames pile up is too slow and is closed; nobody else waits for it.
 */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final int MAX_BATCH_CHARS = 60_000;

    private final Session session;
    private final String userId;
    private final String sessionKey;
    private final int limit;
    private final ConcurrentLinkedQueue<OutboundEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final String address;
    private volatile long lastHeardMillis = System.currentTimeMillis();
    private volatile long lastTouchedMillis = System.currentTimeMillis();

    private final Queue<Connection> lane; // the flusher's list of sockets to write in its next pass; null: write at once
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final TyrusRawFrames raw;
    private Future<?> rawWrite; // the frame being written; only the flusher's lane touches it

    public Connection(Session session, String userId, String sessionKey, String address, int limit) {
        this(session, userId, sessionKey, address, limit, null);
    }

    /** @param flusher writes this socket in its passes; null (or a flusher that does not pass): write at once */
    public Connection(Session session, String userId, String sessionKey, String address, int limit, OutboundFlusher flusher) {
        boolean passing = flusher != null && flusher.isPassing();
        // the lane itself, not the flusher: a call through the flusher's CDI proxy per event cost a few % of the node's CPU
        this.lane = passing ? flusher.lane() : null;
        this.raw = passing && flusher.rawFrames() ? TyrusRawFrames.of(session) : null;
        this.session = session;
        this.userId = userId;
        this.sessionKey = sessionKey;
        this.address = address;
        this.limit = limit;
    }

    public String address() {
        return address;
    }

    /** The client answered a ping or sent a frame. */
    public void heard() {
        lastHeardMillis = System.currentTimeMillis();
    }

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

    public String userId() {
        return userId;
    }

    public String sessionKey() {
        return sessionKey;
    }

    public String id() {
        return session.getId();
    }

    public void send(String frame) {
        send(new OutboundEvent(frame));
    }

    /** Queues the event for this socket; the same event may be queued for many sockets. */
    public void send(OutboundEvent frame) {
        if (closing.get()) {
            return;
        }
        if (queued.incrementAndGet() > limit) {
            close(CloseReason.CloseCodes.TRY_AGAIN_LATER, "Too slow: outbound queue full");
            return;
        }
        pending.add(frame);
        if (lane == null) {
            flush();
        } else {
            scheduleFlush();
        }
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
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
    }

    /** Writes what is pending as one frame, unless a write is still under way (its end flushes again). */
    void flush() {
        scheduled.set(false); // first: a frame queued from now on schedules another pass
        if (raw != null) {
            flushRaw();
            return;
        }
        while (!pending.isEmpty() && writing.compareAndSet(false, true)) {
            OutboundEvent first = pending.poll();
            if (first == null) {
                writing.set(false);
                continue;
            }
            int count = 1;
            StringBuilder batch = null;
            OutboundEvent next;
            while ((batch == null ? first.json().length() : batch.length()) < MAX_BATCH_CHARS && (next = pending.poll()) != null) {
                if (batch == null) {
                    batch = new StringBuilder(first.json().length() * 4).append(first.json());
                }
                batch.append('\n').append(next.json());
                count++;
            }
            queued.addAndGet(-count);
            String text = batch == null ? first.json() : batch.toString();
            try {
                session.getAsyncRemote().sendText(text, result -> {
                    writing.set(false);
                    if (result.isOK()) {
                        if (lane == null) {
                            flush();
                        } else if (!pending.isEmpty()) {
                            scheduleFlush();
                        }
                    } else {
                        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
                    }
                });
            } catch (RuntimeException e) { // closed under our feet
                writing.set(false);
                close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed");
            }
            return;
        }
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
        }
        List<OutboundEvent> batch = new ArrayList<>();
        int bytes = 0;
        OutboundEvent next;
        while (bytes < MAX_BATCH_CHARS && (next = pending.poll()) != null) {
            batch.add(next);
            bytes += next.utf8().length + 1;
        }
        if (batch.isEmpty() || closing.get()) {
            return;
        }
        queued.addAndGet(-batch.size());
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

    /** Closes without blocking the caller (a stuck socket may block its close handshake). */
    public void close(CloseReason.CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        pending.clear();
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
