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
 * One load-generator socket (the JDK's WebSocket client), on redis-chat's {@code /ws} or on the
 * seed's socket.io endpoint. As a receiver it hands every complete server frame to the current
 * step's {@link Tally}; as a sender it keeps an outbox, because the JDK allows one outstanding
 * send per socket: a sender that cannot keep up queues here, and the due time in each text makes
 * that wait count as latency.
 */
final class BenchSocket implements WebSocket.Listener {

    /** How events are framed on the wire. */
    enum Protocol {
        /** redis-chat: JSON objects, one per line of a frame (docs/PROTOCOL.md). */
        CHAT,
        /**
         * The seed's socket.io 3 (Engine.IO 4) over a plain WebSocket: the server opens with
         * {@code 0{...}}, the client connects with {@code 40}; the server pings with {@code 2} and
         * wants {@code 3}; events are {@code 42["name",data]}.
         */
        SOCKET_IO
    }

    /** Frames received by all sockets: the harness waits for it to stand still between phases. */
    static final java.util.concurrent.atomic.LongAdder FRAMES = new java.util.concurrent.atomic.LongAdder();

    final int receiver;
    private final Protocol protocol;
    private final String userId;
    /** Completes when the socket can carry events (at once for redis-chat; after {@code 40} for socket.io). */
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile Tally tally;
    private volatile WebSocket socket;
    private StringBuilder partial;
    private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final AtomicInteger sendFailures = new AtomicInteger();
    final AtomicInteger errorFrames = new AtomicInteger();
    long handshakeNanos;
    long openedAtNanos;

    private BenchSocket(int receiver, Protocol protocol, String userId) {
        this.receiver = receiver;
        this.protocol = protocol;
        this.userId = userId;
        if (protocol == Protocol.CHAT) {
            connected.complete(null);
        }
    }

    /** Opens a socket; the future fails when the handshake is refused. */
    static CompletableFuture<BenchSocket> open(HttpClient client, String wsUrl, String cookie, String origin, int receiver,
                                               Protocol protocol, String userId) {
        BenchSocket s = new BenchSocket(receiver, protocol, userId);
        long start = System.nanoTime();
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).header("Cookie", cookie)
                .header("Origin", origin).buildAsync(URI.create(wsUrl), s).orTimeout(60, TimeUnit.SECONDS)
                .thenApply(ws -> {
                    s.socket = ws;
                    s.openedAtNanos = System.nanoTime();
                    s.handshakeNanos = s.openedAtNanos - start;
                    return s;
                });
    }

    void listen(Tally t) {
        this.tally = t;
    }

    /**
     * Posts a message to a room as this socket's user, framed for the server's protocol (the seed
     * takes {@code from} and {@code date} from the client; redis-chat decides them itself).
     */
    void sendMessage(String roomId, String text) {
        if (protocol == Protocol.CHAT) {
            send("{\"type\":\"message\",\"data\":{\"roomId\":\"" + roomId + "\",\"message\":\"" + text + "\"}}");
        } else {
            send("42[\"message\",{\"roomId\":\"" + roomId + "\",\"message\":\"" + text + "\",\"from\":\"" + userId
                    + "\",\"date\":" + System.currentTimeMillis() / 1000 + "}]");
        }
    }

    /** socket.io only: joins a room (the seed delivers a room's messages to the sockets that joined it). */
    void join(String roomId) {
        send("42[\"room.join\",\"" + roomId + "\"]");
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
        socket = webSocket; // before the first frame: socket.io's handshake answers from onText
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
        if (protocol == Protocol.SOCKET_IO && !frame.startsWith("42")) {
            if (frame.startsWith("0")) {
                send("40"); // Engine.IO open: connect to the default namespace
            } else if (frame.startsWith("40")) {
                connected.complete(null);
            } else if (frame.equals("2")) {
                send("3");
            }
            return null;
        }
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
        connected.completeExceptionally(new IllegalStateException("closed: " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
        connected.completeExceptionally(error);
    }
}
