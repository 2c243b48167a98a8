package chat.realtime.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thousands of WebSocket handshakes connected and written as fast as one thread can, then read
 * together: a burst that waits in the node's queue all at once, as a restarted node's clients
 * do (the JDK's WebSocket client opens its connections one after another, too slowly for that).
 * Each handshake ends as "101", "503 with Retry-After", another status, or closed unanswered.
 */
final class RawHandshakeBurst {

    private RawHandshakeBurst() {
    }

    /** How each handshake ended, counted by outcome; the sockets that opened are closed before this returns. */
    static Map<String, Integer> send(int port, String cookie, String origin, int count, Duration patience) throws IOException {
        byte[] request = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " + origin
                + "\r\nCookie: " + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<SocketChannel> channels = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.configureBlocking(false);
                // A node that stops accepting must not stall the burst: connects complete in the loop below.
                boolean connected = channel.connect(new InetSocketAddress("127.0.0.1", port));
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, new StringBuilder());
                if (connected) {
                    sendOn(key, request);
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + patience.toNanos();
            int pending = count;
            while (pending > 0 && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    StringBuilder head = (StringBuilder) key.attachment();
                    if (key.isConnectable()) {
                        try {
                            channel.finishConnect();
                            sendOn(key, request);
                        } catch (IOException refused) {
                            outcomes.merge("connection failed", 1, Integer::sum);
                            key.cancel();
                            pending--;
                        }
                        continue;
                    }
                    buffer.clear();
                    int read;
                    try {
                        read = channel.read(buffer);
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read > 0) {
                        head.append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
                    }
                    String outcome = read < 0 ? (head.isEmpty() ? "closed unanswered" : "closed mid-answer")
                            : head.indexOf("\r\n\r\n") >= 0 ? outcomeOf(head.toString()) : null;
                    if (outcome != null) {
                        outcomes.merge(outcome, 1, Integer::sum);
                        key.cancel();
                        pending--;
                    }
                }
                selector.selectedKeys().clear();
            }
            if (pending > 0) {
                outcomes.put("unanswered after " + patience.toSeconds() + " s", pending);
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
        return outcomes;
    }

    private static void sendOn(SelectionKey key, byte[] request) throws IOException {
        ((SocketChannel) key.channel()).write(ByteBuffer.wrap(request)); // a few hundred bytes: fits the send buffer
        key.interestOps(SelectionKey.OP_READ);
    }

    private static String outcomeOf(String head) {
        String status = head.substring(0, head.indexOf("\r\n"));
        if (status.startsWith("HTTP/1.1 101")) {
            return "101";
        }
        if (status.startsWith("HTTP/1.1 503")) {
            return head.toLowerCase().contains("\r\nretry-after:") ? "503 with Retry-After" : "503 without Retry-After";
        }
        return status;
    }
}
