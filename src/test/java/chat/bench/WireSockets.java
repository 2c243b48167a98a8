package chat.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's WebSocket client (RFC 6455, client side, no extensions): a few threads,
 * each with its own selector, read and parse server frames in place and hand each complete text
 * frame to its {@link BenchSocket} on that same thread; senders write their masked frames
 * themselves. The JDK's client, which the generator used before, handed every frame between its
 * selector thread and an executor: on 2 cores shared with the server, the generator's thread
 * hand-offs took CPU the server under test needed (docs/bench/ROUND-4-NOTES.md, "Where a node's time goes").
 */
final class WireSockets implements AutoCloseable {

    /** A handshake the server answered with something other than 101. */
    static final class Refused extends IOException {
        final int status;
        /** Seconds from the answer's {@code Retry-After}; -1 without one. */
        final long retryAfterSeconds;

        Refused(int status, long retryAfterSeconds, String head) {
            super("handshake refused: " + head.lines().findFirst().orElse(""));
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private final Loop[] loops;
    private final AtomicInteger turn = new AtomicInteger();

    WireSockets(int threads) {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop("wire-" + i);
        }
    }

    /** Starts a handshake; the wire's {@code opened} completes with the 101 or fails ({@link Refused}, I/O). */
    Wire open(String wsUrl, String cookie, String origin, BenchSocket owner) {
        URI uri = URI.create(wsUrl);
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key()
                + "\r\nOrigin: " + origin + "\r\nCookie: " + cookie + "\r\n\r\n";
        Wire wire = new Wire(owner, ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        loops[Math.floorMod(turn.getAndIncrement(), loops.length)].add(wire, new InetSocketAddress(uri.getHost(), uri.getPort()));
        return wire;
    }

    private static String key() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.stop();
        }
    }

    /** One selector and its thread. */
    private static final class Loop implements Runnable {
        private final Selector selector;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        Loop(String name) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        void add(Wire wire, InetSocketAddress address) {
            tasks.add(() -> wire.connect(selector, address));
            selector.wakeup();
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Wire wire = (Wire) key.attachment();
                    try {
                        wire.ready(key);
                    } catch (IOException | RuntimeException e) {
                        wire.fail(e);
                    }
                }
                selector.selectedKeys().clear();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // the generator is ending
            }
        }
    }

    /** One connection: the handshake, then frames. Read on its loop's thread; written by whoever sends. */
    static final class Wire {
        final CompletableFuture<Wire> opened = new CompletableFuture<>();
        private final BenchSocket owner;
        private final ByteBuffer request;
        private final Object writeLock = new Object();
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private boolean upgraded;
        private ByteArrayOutputStream fragments; // a text message split over frames
        private volatile boolean ended;
        private volatile boolean closeSent;

        private Wire(BenchSocket owner, ByteBuffer request) {
            this.owner = owner;
            this.request = request;
        }

        private void connect(Selector selector, InetSocketAddress address) {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(selector, 0, this);
                if (channel.connect(address)) {
                    sendRequest();
                } else {
                    key.interestOps(SelectionKey.OP_CONNECT);
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        private void ready(SelectionKey k) throws IOException {
            if (k.isConnectable()) {
                channel.finishConnect();
                sendRequest();
            } else if (k.isWritable()) {
                sendRequest();
            } else if (k.isReadable()) {
                read();
            }
        }

        private void sendRequest() throws IOException {
            channel.write(request);
            key.interestOps(request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read() throws IOException {
            if (!in.hasRemaining()) {
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            if (channel.read(in) < 0) {
                end(1006);
                return;
            }
            in.flip();
            if (upgraded || handshake()) {
                frames();
            }
            if (!ended) {
                in.compact();
            }
        }

        /** Parses the answer's head once it is complete; true when the socket is open. */
        private boolean handshake() throws IOException {
            byte[] bytes = in.array();
            int end = -1;
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                    end = i + 4;
                    break;
                }
            }
            if (end < 0) {
                return false; // more to come
            }
            String head = new String(bytes, in.position(), end - in.position(), StandardCharsets.ISO_8859_1);
            in.position(end);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status != 101) {
                long retryAfter = head.lines().filter(l -> l.regionMatches(true, 0, "Retry-After:", 0, 12))
                        .mapToLong(l -> Long.parseLong(l.substring(12).trim())).findFirst().orElse(-1);
                throw new Refused(status, retryAfter, head);
            }
            upgraded = true;
            opened.complete(this);
            return true;
        }

        /** Handles every complete frame in the buffer (server frames are never masked). */
        private void frames() throws IOException {
            while (!ended && in.remaining() >= 2) {
                int at = in.position();
                int first = in.get(at) & 0xff;
                int second = in.get(at + 1) & 0xff;
                int header = 2;
                long length = second & 0x7f;
                if (length == 126) {
                    if (in.remaining() < 4) {
                        return;
                    }
                    length = in.getShort(at + 2) & 0xffff;
                    header = 4;
                } else if (length == 127) {
                    if (in.remaining() < 10) {
                        return;
                    }
                    length = in.getLong(at + 2);
                    header = 10;
                }
                if (in.remaining() < header + length) {
                    if (header + length > in.capacity()) { // room for the whole frame, read on
                        in = ByteBuffer.allocate((int) (header + length) * 2).put(in);
                        in.flip();
                    }
                    return;
                }
                int start = at + header;
                int size = (int) length;
                in.position(start + size);
                boolean fin = (first & 0x80) != 0;
                switch (first & 0x0f) {
                    case 0x1, 0x0 -> text(start, size, fin);
                    case 0x8 -> {
                        int code = size >= 2 ? in.getShort(start) & 0xffff : 1005;
                        if (!closeSent) { // the server closes: answer in kind
                            closeSent = true;
                            send(0x8, new byte[]{(byte) (code >>> 8), (byte) code});
                        }
                        end(code);
                    }
                    case 0x9 -> {
                        byte[] payload = new byte[size];
                        in.get(start, payload);
                        send(0xA, payload);
                    }
                    default -> { } // pong
                }
            }
        }

        private void text(int start, int size, boolean fin) {
            if (fin && fragments == null) {
                owner.onText(new String(in.array(), start, size, StandardCharsets.UTF_8));
                return;
            }
            if (fragments == null) {
                fragments = new ByteArrayOutputStream();
            }
            fragments.write(in.array(), start, size);
            if (fin) {
                owner.onText(fragments.toString(StandardCharsets.UTF_8));
                fragments = null;
            }
        }

        void sendText(String text) throws IOException {
            send(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** One masked frame (RFC 6455 §5.3), written whole before the next. */
        private void send(int opcode, byte[] payload) throws IOException {
            int length = payload.length;
            int extra = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
            ByteBuffer frame = ByteBuffer.allocate(2 + extra + 4 + length);
            frame.put((byte) (0x80 | opcode));
            if (extra == 0) {
                frame.put((byte) (0x80 | length));
            } else if (extra == 2) {
                frame.put((byte) (0x80 | 126)).putShort((short) length);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(length);
            }
            int mask = ThreadLocalRandom.current().nextInt();
            frame.putInt(mask);
            for (int i = 0; i < length; i++) {
                frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
            }
            frame.flip();
            synchronized (writeLock) {
                while (frame.hasRemaining()) {
                    if (ended) {
                        throw new IOException("closed");
                    }
                    if (channel.write(frame) == 0) {
                        LockSupport.parkNanos(100_000); // the server's buffer is full: it is behind, and that shows as latency
                    }
                }
            }
        }

        /** Starts the closing handshake; the server's close frame ends the socket. */
        void close() {
            closeSent = true;
            try {
                send(0x8, new byte[]{0x03, (byte) 0xe8}); // 1000
            } catch (IOException e) {
                abort();
            }
        }

        void abort() {
            end(1006);
        }

        private void end(int code) {
            if (ended) {
                return;
            }
            ended = true;
            closeChannel();
            owner.onClosed(code);
        }

        private void fail(Exception e) {
            if (ended) {
                return;
            }
            ended = true;
            closeChannel();
            if (!opened.completeExceptionally(e)) {
                owner.onClosed(-1);
            }
        }

        private void closeChannel() {
            try {
                if (key != null) {
                    key.cancel();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
