package chat.realtime.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * One open socket with its outbound queue. Frames are written by at most one asynchronous
 * write at a time; whatever piles up meanwhile goes out as one frame of JSON lines (SPEC §5),
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
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final String address;
    private volatile long lastHeardMillis = System.currentTimeMillis();
    private volatile long lastTouchedMillis = System.currentTimeMillis();

    public Connection(Session session, String userId, String sessionKey, String address, int limit) {
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
        if (closing.get()) {
            return;
        }
        if (queued.incrementAndGet() > limit) {
            close(CloseReason.CloseCodes.TRY_AGAIN_LATER, "Too slow: outbound queue full");
            return;
        }
        pending.add(frame);
        flush();
    }

    private void flush() {
        while (!pending.isEmpty() && writing.compareAndSet(false, true)) {
            String first = pending.poll();
            if (first == null) {
                writing.set(false);
                continue;
            }
            int count = 1;
            StringBuilder batch = null;
            String next;
            while ((batch == null ? first.length() : batch.length()) < MAX_BATCH_CHARS && (next = pending.poll()) != null) {
                if (batch == null) {
                    batch = new StringBuilder(first.length() * 4).append(first);
                }
                batch.append('\n').append(next);
                count++;
            }
            queued.addAndGet(-count);
            String text = batch == null ? first : batch.toString();
            try {
                session.getAsyncRemote().sendText(text, result -> {
                    writing.set(false);
                    if (result.isOK()) {
                        flush();
                    } else {
                        close(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "Write failed");
                    }
                });
            } catch (RuntimeException e) { // closed under our feet
                writing.set(false);
                close(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "Write failed");
            }
            return;
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
                LOG.fine(() -> "Closing socket " + session.getId() + ": " + e);
            }
        });
    }
}
