package chat.messages;

import chat.testing.Await;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis whose operator renamed {@code PUBSUB} away (docs/OPERATIONS.md, "Redis Sentinel and Cluster"): the
 * posting script cannot ask who listens on {@code MESSAGES}, so it publishes every message there as the seed does,
 * and posting works as anywhere else, stored once.
 */
class RenamedPubsubIT {

    static RedisServerProcess redisServer;
    static RedisProbe redis;
    static PayaraNode node;

    @BeforeAll
    static void start() {
        redisServer = RedisServerProcess.startWith("--rename-command", "PUBSUB", "");
        redis = new RedisProbe(redisServer.url());
        node = PayaraNode.start("renamed-pubsub", redisServer.url());
    }

    @AfterAll
    static void stop() {
        node.close();
        redis.close();
        redisServer.close();
    }

    @Test
    void postsAreStoredOnceDeliveredAndPublishedOnMessages() {
        Person ann = Users.register(node, "ann");
        Person bob = Users.register(node, "bob");
        List<String> envelopes = new CopyOnWriteArrayList<>();
        RTopic byName = redis.client().getTopic("MESSAGES", StringCodec.INSTANCE);
        int listener = byName.addListener(String.class, (channel, payload) -> envelopes.add(payload));
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http());
             ChatSocketClient b = ChatSocketClient.connect(node, bob.http())) {
            String text = Users.unique("without PUBSUB ");
            String clientId = Users.unique("c");
            a.post("0", text, clientId);
            JsonObject first = a.awaitAck(clientId);
            assertTrue(first.getBoolean("stored"));
            assertFalse(first.getBoolean("duplicate"));
            b.awaitMessage(text);
            Await.until("the envelope on MESSAGES", Duration.ofSeconds(10), () -> envelopes.stream().anyMatch(e -> e.contains(text)));

            a.post("0", text, clientId);
            JsonObject retry = a.await("message.ack", d -> clientId.equals(d.getString("clientMessageId")) && d.getBoolean("duplicate"))
                    .getJsonObject("data");
            assertEquals(first.getString("id"), retry.getString("id"), "the retry is answered with the original");
            String marker = Users.unique("marker ");
            a.sendMessage("0", marker);
            b.awaitMessage(marker);
            assertEquals(1, b.messages().stream().filter(m -> text.equals(m.getString("message"))).count(), "delivered once");
            assertEquals(1, redis.zrange("room:0").stream().filter(m -> m.contains(text)).count(), "stored once");
        } finally {
            byName.removeListener(listener);
        }
    }
}
