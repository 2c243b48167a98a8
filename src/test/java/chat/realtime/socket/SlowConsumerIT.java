package chat.realtime.socket;

import chat.testing.Await;
import chat.testing.ChatCluster;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.Scrape;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that opens a socket and never reads: once its queue is full the node drops it, and
 * its TCP connection is gone on the server's side too (before, it stayed ESTABLISHED with
 * megabytes unsent until the client went away), logged and counted.
 */
@ExtendWith(SharedChat.class)
class SlowConsumerIT {

    private static final String STATE_ESTABLISHED = "01";

    @Test
    void aSocketThatNeverReadsIsDroppedAndItsConnectionAborted(ChatCluster chat) throws Exception {
        PayaraNode node = chat.nodeA();
        Person ann = Users.register(node, "ann");
        Person bob = Users.register(node, "bob");
        String room = directRoom(ann, bob);
        double droppedBefore = Scrape.of(node).value("chat_sockets_dropped_total{reason=\"slow\"}");
        String bobsDrop = "of user " + bob.id() + " ";

        try (Socket never = openWithoutReading(node, bob.http().cookieHeader());
             ChatSocketClient sender = ChatSocketClient.connect(node, ann.http())) {
            int clientPort = never.getLocalPort();
            Await.until("bob's socket registered", Duration.ofSeconds(20),
                    () -> bob.http().get("/api/users/online").body().contains("\"" + bob.id() + "\":"));
            assertEquals(Optional.of(STATE_ESTABLISHED), serverSideState(node.port(), clientPort));
            String text = "x".repeat(4000);
            Await.until("the node drops the socket that never reads", Duration.ofSeconds(120), () -> {
                for (int i = 0; i < 50; i++) {
                    sender.sendMessage(room, text);
                }
                return Scrape.of(node).value("chat_sockets_dropped_total{reason=\"slow\"}") > droppedBefore;
            });
            Await.until("no ESTABLISHED connection left on the server's side", Duration.ofSeconds(20),
                    () -> !serverSideState(node.port(), clientPort).equals(Optional.of(STATE_ESTABLISHED)));
            // bob's own line: on the shared cluster an earlier class's drops may be logged meanwhile
            Await.until("bob's drop logged", Duration.ofSeconds(10), () -> logLines(node, bobsDrop, "TCP connection aborted") == 1);
            assertTrue(!sender.isClosed(), "the sender is not affected");
        }
    }

    /**
     * A socket is dropped once a mebibyte waits for it ({@code CHAT_OUTBOUND_QUEUE_BYTES}), not only
     * after as many events as its event limit (256 on the test nodes): before, one that never read
     * held up to 4,096 events of 20 KB each by default, and a few dozen such sockets ran a node out
     * of heap. What waited for it is given back to the node's count.
     */
    @Test
    void aSocketThatNeverReadsIsDroppedOnceAMebibyteWaitsForIt(ChatCluster chat) throws Exception {
        PayaraNode node = chat.nodeA();
        Person ann = Users.register(node, "ann");
        Person bob = Users.register(node, "bob");
        String room = directRoom(ann, bob);
        String bobsDrop = "of user " + bob.id() + " ";

        try (Socket never = openWithoutReading(node, bob.http().cookieHeader());
             ChatSocketClient sender = ChatSocketClient.connect(node, ann.http())) {
            Await.until("bob's socket registered", Duration.ofSeconds(20),
                    () -> bob.http().get("/api/users/online").body().contains("\"" + bob.id() + "\":"));
            String text = "\uD83D\uDE00".repeat(5000); // 5,000 emoji: 20 KB of UTF-8
            Await.until("the node drops the socket that never reads", Duration.ofSeconds(120), () -> {
                for (int i = 0; i < 20; i++) {
                    sender.sendMessage(room, text);
                }
                return logLines(node, bobsDrop, "Too slow") == 1;
            });
            String line = Files.readAllLines(node.log()).stream().filter(l -> l.contains(bobsDrop)).findFirst().orElseThrow();
            int unsent = Integer.parseInt(line.replaceAll(".*\\((\\d+) event\\(s\\) unsent\\).*", "$1"));
            assertTrue(unsent < 100, "dropped with about a mebibyte (some 50 events) waiting, not 256 events: " + line);
            Await.until("the node's count of waiting bytes back to nothing", Duration.ofSeconds(20),
                    () -> Scrape.of(node).value("chat_outbound_bytes") == 0);
            assertTrue(!sender.isClosed(), "the sender is not affected");
        }
    }

    private static String directRoom(Person ann, Person bob) {
        return ann.http().post("/api/room", "{\"user1\":\"" + ann.id() + "\",\"user2\":\"" + bob.id() + "\"}").object().getString("id");
    }

    private static long logLines(PayaraNode node, String... all) {
        try (var lines = Files.lines(node.log())) {
            return lines.filter(l -> Arrays.stream(all).allMatch(l::contains)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WebSocket handshake over a plain socket with a small receive buffer, after which nothing is read. */
    private static Socket openWithoutReading(PayaraNode node, String cookie) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " + node.origin()
                + "\r\nCookie: " + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) c);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return socket;
    }

    /** The kernel's state of the server's end of the connection (Linux {@code /proc/net/tcp*}), empty when gone. */
    private static Optional<String> serverSideState(int serverPort, int clientPort) {
        String local = String.format(Locale.ROOT, ":%04X", serverPort);
        String remote = String.format(Locale.ROOT, ":%04X", clientPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                        return Optional.of(f[3]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }
}
