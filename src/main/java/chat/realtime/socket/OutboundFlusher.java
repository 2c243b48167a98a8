package chat.realtime.socket;

import chat.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the sockets that have frames waiting, from a few threads (one per two cores by default,
 * {@code CHAT_WS_FLUSH_THREADS}; each socket always on the same one), in passes at most every
 * {@code CHAT_WS_FLUSH_INTERVAL_MS} (default 10 ms). Every socket write costs several
 * microseconds of CPU in the runtime and the kernel, so one write per event per socket caps a node
 * far below what it can deliver. Flushing in passes puts everything a socket received since the
 * last pass into one frame of JSON lines (docs/PROTOCOL.md, "WebSocket"): under load a pass takes longer and the
 * batches grow by themselves, so the number of writes stays bounded while deliveries rise.
 * The price is at most one interval of added latency. With an interval of 0 every event is
 * written at once, from the thread that produced it (batching only while a write is under way).
 */
@ApplicationScoped
public class OutboundFlusher {

    @Inject
    Settings settings;

    private final AtomicInteger lanes = new AtomicInteger();
    private ConcurrentLinkedQueue<Connection>[] dirty;
    private Thread[] threads;
    private volatile boolean running;
    private long intervalNanos;
    private boolean rawFrames;

    @PostConstruct
    void start() {
        intervalNanos = TimeUnit.MILLISECONDS.toNanos(settings.socketFlushIntervalMillis());
        rawFrames = settings.rawSocketFrames();
        if (intervalNanos <= 0) {
            return;
        }
        int count = Math.max(1, settings.socketFlushThreads());
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<Connection>[] queues = new ConcurrentLinkedQueue[count];
        dirty = queues;
        threads = new Thread[count];
        running = true;
        for (int i = 0; i < count; i++) {
            dirty[i] = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Connection> queue = dirty[i];
            Thread t = new Thread(() -> run(queue), "chat-socket-flusher-" + i + "-" + settings.serverId());
            t.setDaemon(true);
            threads[i] = t;
            t.start();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (threads == null) {
            return;
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether connections on Tyrus write frames they built themselves ({@link TyrusRawFrames}). */
    boolean rawFrames() {
        return rawFrames;
    }

    /** Whether writes wait for the next pass (false: each connection writes at once). */
    public boolean isPassing() {
        return running;
    }

    /** Where a new connection adds itself when it has frames waiting: the list of one thread's next pass. */
    Queue<Connection> lane() {
        return dirty[Math.floorMod(lanes.getAndIncrement(), dirty.length)];
    }

    private void run(ConcurrentLinkedQueue<Connection> dirty) {
        while (running) {
            long start = System.nanoTime();
            Connection connection;
            int size = dirty.size(); // connections marked during this pass wait for the next one
            for (int i = 0; i < size && (connection = dirty.poll()) != null; i++) {
                try {
                    connection.flush();
                } catch (RuntimeException e) {
                    connection.failed(e);
                }
            }
            long rest = intervalNanos - (System.nanoTime() - start);
            if (rest > 0) {
                LockSupport.parkNanos(rest);
            }
        }
    }
}
