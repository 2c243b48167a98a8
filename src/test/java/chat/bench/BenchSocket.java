package chat.bench;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load-generator socket ({@link WireSockets}), on redis-chat's {@code /ws} or on the seed's
 * socket.io endpoint. As a receiver it hands every complete server frame to the current step's
 * {@link Tally}; as a sender it writes each frame whole before the next, so a server that does not
 * read holds its sender back, and the due time in each text makes that wait count as latency.
 */
final class BenchSocket {

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
    private volatile WireSockets.Wire wire;
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

    /** Opens a socket; the future fails when the handshake is refused ({@link WireSockets.Refused}). */
    static CompletableFuture<BenchSocket> open(WireSockets wires, String wsUrl, String cookie, String origin, int receiver,
                                               Protocol protocol, String userId) {
        BenchSocket s = new BenchSocket(receiver, protocol, userId);
        long start = System.nanoTime();
        s.wire = wires.open(wsUrl, cookie, origin, s);
        return s.wire.opened.orTimeout(60, TimeUnit.SECONDS)
                .whenComplete((w, e) -> {
                    if (e != null) {
                        s.wire.abort(); // a handshake that timed out
                    }
                })
                .thenApply(w -> {
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

    /** Sends a client frame; frames of one socket leave in order, one at a time. */
    void send(String frame) {
        try {
            wire.sendText(frame);
        } catch (IOException e) {
            sendFailures.incrementAndGet();
        }
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    void close() {
        if (!closed.isDone()) {
            wire.close();
        }
    }

    void abort() {
        wire.abort();
    }

    /** A complete server frame, on the socket's reading thread. */
    void onText(String frame) {
        long now = System.nanoTime();
        if (protocol == Protocol.SOCKET_IO && !frame.startsWith("42")) {
            if (frame.startsWith("0")) {
                send("40"); // Engine.IO open: connect to the default namespace
            } else if (frame.startsWith("40")) {
                connected.complete(null);
            } else if (frame.equals("2")) {
                send("3");
            }
            return;
        }
        FRAMES.increment();
        if (frame.startsWith("{\"type\":\"error\"")) {
            errorFrames.incrementAndGet();
        }
        Tally t = tally;
        if (t != null) {
            t.onFrame(receiver, frame, now);
        }
    }

    /** The socket ended: its close code, 1006 when cut, -1 after an I/O error. */
    void onClosed(int code) {
        closed.complete(code);
        connected.completeExceptionally(new IllegalStateException("closed: " + code));
    }
}
