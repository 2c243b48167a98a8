package chat.realtime;

import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RawHttp;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import chat.testing.Users.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sockets written through the standard {@code sendText}, each event at once: what runtimes other
 * than Payara always do (no raw Tyrus frames, {@code CHAT_WS_RAW_FRAMES=false}) and what
 * {@code CHAT_WS_FLUSH_INTERVAL_MS=0} chooses. The other tests cover raw frames in passes. The
 * node also has the workarounds for Payara's undecodable paths and its sockets' output buffer off,
 * which must switch them off.
 */
class StandardWritePathIT {

    static RedisServerProcess redisServer;
    static PayaraNode node;

    @BeforeAll
    static void start() {
        redisServer = RedisServerProcess.start();
        // Not waiting for /health/ready: sockets that open before the node's first tick must count too.
        node = PayaraNode.start("standard-writes", redisServer.url(),
                Map.of("CHAT_WS_RAW_FRAMES", "false", "CHAT_WS_FLUSH_INTERVAL_MS", "0", "CHAT_PAYARA_UNDECODABLE_PATHS", "false",
                        "CHAT_WS_SMALL_OUTPUT_BUFFER", "false"));
    }

    @AfterAll
    static void stop() {
        node.close();
        redisServer.close();
    }

    @Test
    void everyMessageArrivesOnceAndInOrderWithMultibyteText() {
        Person ann = Users.register(node, "plain");
        Person bob = Users.register(node, "reader");
        String roomId = Users.privateRoom(ann, bob);
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http());
             ChatSocketClient b = ChatSocketClient.connect(node, bob.http())) {
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                sent.add("é" + i + " 😀");
                a.sendMessage(roomId, "é" + i + " 😀");
            }
            b.awaitMessage("é200 😀");
            a.awaitMessage("é200 😀");
            assertEquals(sent, b.messages().stream().map(m -> m.getString("message")).toList());
            assertEquals(sent, a.messages().stream().map(m -> m.getString("message")).toList());
        }
        assertTrue(node.logLines("output buffer: workaround INACTIVE (CHAT_WS_SMALL_OUTPUT_BUFFER=false)") > 0, "the log says so: " + node.log());
    }

    @Test
    void withItsWorkaroundOffPayaraAnswersAnUndecodablePathItself() throws IOException {
        String answer = RawHttp.get(node, "/%zz");
        assertFalse(answer.contains("path is not valid"), answer);
        assertTrue(node.logLines("workaround INACTIVE (CHAT_PAYARA_UNDECODABLE_PATHS=false)") > 0, "the log says so: " + node.log());
    }
}
