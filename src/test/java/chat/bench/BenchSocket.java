package chat.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load-generator socket on {@code /ws} (the JDK's WebSocket client). As a receiver it hands
 * every complete server frame to the current step's {@link Tally}; as a sender it keeps an
 * outbox, because the JDK allows one outstanding send per socket: a sender that cannot keep up
 * queues here, and the due time in each text makes that wait count as latency.
 */
final class BenchSocket implements WebSocket.Listener {

    /** Frames received by all sockets: the harness waits for it to stand still between phases. */
    static final java.util.concurrent.atomic.LongAdder FRAMES = new java.util.concurrent.atomic.LongAdder();

    final int receiver;
    private volatile Tally tally;
    private WebSocket socket;
    private StringBuilder partial;
    private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final AtomicInteger sendFailures = new AtomicInteger();
    final AtomicInteger errorFrames = new AtomicInteger();
    long handshakeNanos;

    private BenchSocket(int receiver) {
        this.receiver = receiver;
    }

    /** Opens a socket; the future fails when the handshake is refused. */
    static CompletableFuture<BenchSocket> open(HttpClient client, String wsUrl, String cookie, String origin, int receiver) {
        BenchSocket s = new BenchSocket(receiver);
        long start = System.nanoTime();
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).header("Cookie", cookie)
                .header("Origin", origin).buildAsync(URI.create(wsUrl), s).orTimeout(60, TimeUnit.SECONDS)
                .thenApply(ws -> {
                    s.socket = ws;
                    s.handshakeNanos = System.nanoTime() - start;
                    return s;
                });
    }

    void listen(Tally t) {
        this.tally = t;
    }

    /** Queues a client frame; frames of one socket leave in order, one at a time. */
    void send(String frame) {
        outbox.add(frame);
        pump();
    }

    private void pump() {
        while (!outbox.isEmpty() && sending.compareAndSet(false, true)) {
            String frame = outbox.poll();
            if (frame == null) {
                sending.set(false);
                continue;
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(frame, true);
            } catch (RuntimeException e) {
                sendFailures.incrementAndGet();
                sending.set(false);
                continue;
            }
            if (sent.isDone()) {
                if (sent.isCompletedExceptionally()) {
                    sendFailures.incrementAndGet();
                }
                sending.set(false);
                continue;
            }
            sent.whenComplete((ws, error) -> {
                if (error != null) {
                    sendFailures.incrementAndGet();
                }
                sending.set(false);
                pump();
            });
            return;
        }
    }

    int outboxSize() {
        return outbox.size();
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> {
                        socket.abort();
                        return null;
                    });
        }
    }

    void abort() {
        socket.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            if (partial == null) {
                partial = new StringBuilder(data.length() * 2);
            }
            partial.append(data);
            return null;
        }
        String frame;
        if (partial != null) {
            frame = partial.append(data).toString();
            partial = null;
        } else {
            frame = data.toString();
        }
        long now = System.nanoTime();
        FRAMES.increment();
        if (frame.startsWith("{\"type\":\"error\"")) {
            errorFrames.incrementAndGet();
        }
        Tally t = tally;
        if (t != null) {
            t.onFrame(receiver, frame, now);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }
}
