package chat.realtime.socket;

import chat.config.AppThreads;
import chat.config.Settings;
import chat.operations.Metrics;
import chat.realtime.hub.LocalConnections;
import chat.realtime.tyrus.TyrusAdapter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes sockets' frames where their {@link Connection}s do not write at once.
 *
 * <p>By default ({@code CHAT_WS_FLUSH_INTERVAL_MS=0}) a connection writes an idle socket at once,
 * on one of the {@link WriteLanes}, and coalesces what arrives while that write is in flight.
 * Here too one thread finishes raw writes that Grizzly could not complete at once (a socket whose
 * kernel buffer is full), polling them until they are done and then writing what piled up meanwhile.
 *
 * <p>With an interval (an option for CPU-bound fleets) the sockets that have events waiting are
 * written in passes at most every {@code CHAT_WS_FLUSH_INTERVAL_MS}, from a few threads
 * ({@code CHAT_WS_FLUSH_THREADS}, one per two cores by default; each socket always on the same
 * one): everything a socket received since the last pass goes out as one frame, so the number of
 * writes stays bounded while deliveries rise, at the price of up to one interval of latency.
 */
@ApplicationScoped
public class OutboundFlusher {

    @Inject
    Settings settings;

    @Inject
    TyrusAdapter tyrus;

    @Inject
    LocalConnections connections;

    @Inject
    Metrics metrics;

    private final AtomicInteger lanes = new AtomicInteger();
    private ConcurrentLinkedQueue<Connection>[] dirty;
    private Thread[] threads;
    private volatile boolean running;
    private long intervalNanos;
    private final ConcurrentLinkedQueue<Connection> unfinished = new ConcurrentLinkedQueue<>();
    private Thread finisher;
    private WriteLanes writers;
    private OutboundBudget budget;

    @PostConstruct
    void start() {
        budget = new OutboundBudget(settings.outboundQueueLimit(), settings.outboundQueueBytes(), settings.outboundNodeBytes(),
                connections::size);
        intervalNanos = TimeUnit.MILLISECONDS.toNanos(settings.socketFlushIntervalMillis());
        if (intervalNanos <= 0) {
            writers = new WriteLanes(settings.socketFlushThreads(), "chat-socket-writer-" + settings.serverId());
            running = tyrus.rawFramesOn();
            if (running) {
                finisher = AppThreads.daemon("chat-socket-writes-" + settings.serverId(), this::finishWrites);
                finisher.start();
            }
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
            Thread t = AppThreads.daemon("chat-socket-flusher-" + i + "-" + settings.serverId(), () -> run(queue));
            threads[i] = t;
            t.start();
        }
    }

    /** With the application rather than the first socket, so that the gauge is there from the start. */
    void gauges(@Observes @Initialized(ApplicationScoped.class) Object application) {
        metrics.gauge("chat_outbound_bytes", "Bytes of events waiting to be written to this node's sockets (UTF-8)", budget::held);
    }

    @PreDestroy
    void stop() {
        running = false;
        if (writers != null) {
            writers.stop();
        }
        List<Thread> all = new ArrayList<>();
        if (threads != null) {
            all.addAll(List.of(threads));
        }
        if (finisher != null) {
            all.add(finisher);
        }
        for (Thread t : all) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether writes wait for the next pass (false: each connection writes at once). */
    public boolean isPassing() {
        return threads != null && running;
    }

    /** What may wait for this node's sockets, shared by all of them. */
    OutboundBudget budget() {
        return budget;
    }

    /** Where connections write at once: null while writes wait for passes. */
    WriteLanes writers() {
        return writers;
    }

    /** A connection's raw write did not finish at once: finish it (and write what piles up meanwhile) from here. */
    void watch(Connection connection) {
        unfinished.add(connection);
        LockSupport.unpark(finisher);
    }

    /** Polls unfinished writes (every 0.2 ms while there are any; they are rare: a full kernel buffer). */
    private void finishWrites() {
        ArrayDeque<Connection> waiting = new ArrayDeque<>();
        while (running) {
            Connection c;
            while ((c = unfinished.poll()) != null) {
                waiting.add(c);
            }
            for (int i = waiting.size(); i > 0; i--) {
                Connection connection = waiting.poll();
                try {
                    if (!connection.finishRawWrite()) {
                        waiting.add(connection);
                    }
                } catch (RuntimeException e) {
                    connection.failed(e);
                }
            }
            if (waiting.isEmpty()) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
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
