package chat.presence;

import chat.testing.Await;
import chat.testing.ChatCluster;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedChat.class)
class PresenceIT {

    private final ChatCluster chat;
    private final RedisProbe redis;

    PresenceIT(ChatCluster chat) {
        this.chat = chat;
        this.redis = chat.probe();
    }

    private static Predicate<JsonObject> about(Person person) {
        return d -> d != null && person.id().equals(d.getString("id", null));
    }

    @Test
    void aUserIsOnlineFromTheFirstSocketAnywhereUntilTheLastClosesAcrossNodesAndTabs() {
        Person watcher = Users.register(chat.nodeA(), "watcher");
        Person ann = Users.register(chat.nodeA(), "ann");
        try (ChatSocketClient watching = ChatSocketClient.connect(chat.nodeA(), watcher.http());
             ChatSocketClient watchingOnB = ChatSocketClient.connect(chat.nodeB(), watcher.http().on(chat.nodeB()))) {
            ChatSocketClient tabOnA = ChatSocketClient.connect(chat.nodeA(), ann.http());
            JsonObject connected = watching.await("user.connected", about(ann)).getJsonObject("data");
            assertEquals(ann.username(), connected.getString("username"));
            assertTrue(connected.getBoolean("online"));
            watchingOnB.await("user.connected", about(ann));
            assertTrue(redis.set("online_users").contains(ann.id()));

            ChatSocketClient tabOnB = ChatSocketClient.connect(chat.nodeB(), ann.http().on(chat.nodeB()));
            tabOnA.close();
            // A marker event proves every earlier event has been delivered to the watcher.
            Person marker = Users.register(chat.nodeB(), "marker");
            ChatSocketClient markerSocket = ChatSocketClient.connect(chat.nodeB(), marker.http());
            watching.await("user.connected", about(marker));
            assertEquals(1, watching.events("user.connected").stream().filter(e -> about(ann).test(e.getJsonObject("data"))).count());
            assertTrue(watching.events("user.disconnected").stream().noneMatch(e -> about(ann).test(e.getJsonObject("data"))),
                    "one tab closing while another is open anywhere is no disconnect");
            assertTrue(redis.set("online_users").contains(ann.id()));

            tabOnB.close();
            JsonObject gone = watching.await("user.disconnected", about(ann)).getJsonObject("data");
            assertFalse(gone.getBoolean("online"));
            watchingOnB.await("user.disconnected", about(ann));
            Await.until("ann out of online_users", Duration.ofSeconds(5), () -> !redis.set("online_users").contains(ann.id()));
            markerSocket.close();
        }
    }

    /**
     * A node killed between lowering a user's total to zero and taking the user out of {@code online_users} (from
     * outside: SIGKILL while its stop closed its sockets) left the user online for good. Redis as it left it: the
     * total gone, the user still listed, marked as settling long ago; the live nodes settle it.
     */
    @Test
    void aUserANodeDiedBeforeTakingOfflineGoesOfflineAtTheNextHeartbeat() {
        Person watcher = Users.register(chat.nodeA(), "watcher");
        Person ann = Users.register(chat.nodeB(), "ann");
        try (ChatSocketClient watching = ChatSocketClient.connect(chat.nodeA(), watcher.http())) {
            watching.awaitReady();
            redis.client().getSet("online_users", StringCodec.INSTANCE).add(ann.id());
            redis.client().getScoredSortedSet("chat:{presence}:settling", StringCodec.INSTANCE)
                    .add(System.currentTimeMillis() - 60_000, ann.id());
            assertEquals(null, redis.hash("chat:{presence}:totals").get(ann.id()), "no socket of hers anywhere");

            watching.await("user.disconnected", about(ann));
            assertFalse(redis.set("online_users").contains(ann.id()));
            Await.until("her mark settled", Duration.ofSeconds(30), () -> !redis.zrange("chat:{presence}:settling").contains(ann.id()));
        }
    }

    @Test
    void theUsersOfANodeKilledWithoutAGoodbyeGoOfflineWithinThirtySeconds() {
        // An id no other node on the shared Redis had: another class's killed node may still be awaiting its reaping.
        String doomedId = Users.unique("node-doomed-");
        PayaraNode doomed = PayaraNode.start(doomedId, chat.redis().url(), Map.of());
        try {
            Person watcher = Users.register(chat.nodeA(), "watcher");
            Person victim = Users.register(doomed, "victim");
            Person survivor = Users.register(doomed, "survivor");
            try (ChatSocketClient watching = ChatSocketClient.connect(chat.nodeA(), watcher.http());
                 ChatSocketClient survivorElsewhere = ChatSocketClient.connect(chat.nodeB(), survivor.http().on(chat.nodeB()))) {
                ChatSocketClient.connect(doomed, victim.http());
                ChatSocketClient.connect(doomed, survivor.http());
                watching.await("user.connected", about(victim));
                watching.await("user.connected", about(survivor));

                doomed.kill();
                watching.await("user.disconnected", about(victim), Duration.ofSeconds(30));
                assertFalse(redis.set("online_users").contains(victim.id()));
                assertTrue(redis.set("online_users").contains(survivor.id()), "still connected through node B");
                assertTrue(watching.events("user.disconnected").stream().noneMatch(e -> about(survivor).test(e.getJsonObject("data"))));
                assertFalse(redis.set("chat:{presence}:nodes").contains(doomedId));
            }
        } finally {
            doomed.close();
        }
    }

    /**
     * A seed server takes a user out of {@code online_users}, and says so on {@code MESSAGES}, when its own socket of
     * the user closes, whatever sockets the user holds on our nodes. Found from outside: the user then showed offline
     * everywhere, 25 s on, with a socket open here. Its "went offline" for a user without sockets here still counts.
     */
    @Test
    void aSeedServersWentOfflineForAUserWithASocketOnOurNodesIsUndone() {
        Person watcher = Users.register(chat.nodeA(), "watcher");
        Person ann = Users.register(chat.nodeA(), "ann");
        Person onTheSeed = Users.register(chat.nodeA(), "seeder");
        try (ChatSocketClient watching = ChatSocketClient.connect(chat.nodeA(), watcher.http());
             ChatSocketClient annOnB = ChatSocketClient.connect(chat.nodeB(), ann.http().on(chat.nodeB()))) {
            watching.await("user.connected", about(ann));
            redis.client().getSet("online_users", StringCodec.INSTANCE).remove(ann.id()); // as the seed server does
            seedServerSays("user.disconnected", ann);

            Await.until("ann back in online_users", Duration.ofSeconds(10), () -> redis.set("online_users").contains(ann.id()));
            seedServerSays("user.connected", onTheSeed); // after ann's on the same channel: the watcher has ann's by then
            watching.await("user.connected", about(onTheSeed));
            assertTrue(watching.events("user.disconnected").stream().noneMatch(e -> about(ann).test(e.getJsonObject("data"))),
                    "ann was never shown offline");
            seedServerSays("user.disconnected", onTheSeed);
            watching.await("user.disconnected", about(onTheSeed));
            assertFalse(annOnB.isClosed());
        }
    }

    /** An envelope as the seed's Node.js server publishes it: no date, a server id of its own. */
    private void seedServerSays(String type, Person user) {
        String envelope = jakarta.json.Json.createObjectBuilder().add("serverId", "seed-node-1").add("type", type)
                .add("data", jakarta.json.Json.createObjectBuilder().add("id", user.id()).add("username", user.username())
                        .add("online", type.equals("user.connected"))).build().toString();
        redis.client().getTopic("MESSAGES", StringCodec.INSTANCE).publish(envelope);
    }
}
