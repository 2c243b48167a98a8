package chat.portability;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatNode;
import chat.testing.ChatSocketClient;
import chat.testing.LibertyServer;
import chat.testing.PayaraNode;
import chat.testing.PayaraServer;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import chat.testing.Users.Person;
import chat.testing.WildFlyServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unchanged WAR on every Jakarta EE 10 server tested here, one node of each on one Redis:
 * Payara Micro, Payara Server (asadmin deploy), WildFly and Open Liberty, each started from its
 * Maven artifact (unpacked by the build into target/servers). Each node is put through the
 * {@link Conformance} suite (its peer is the next node, so every pair of neighbouring runtimes
 * chats); then the fleet as a whole: every node's message reaches sockets on all the others,
 * presence is the same everywhere, and a node killed with SIGKILL has its users offline within
 * the presence lease. One start per runtime serves all of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedClusterIT {

    /** CHAT_PRESENCE_LEASE of the test nodes is 6 s; a killed node's users go within a few leases. */
    private static final Duration OFFLINE_AFTER_KILL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    static RedisServerProcess redis;
    static List<ChatNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startOneNodeOfEachRuntime() {
        redis = RedisServerProcess.start();
        String url = redis.url();
        List<Supplier<ChatNode>> starters = List.of(
                () -> {
                    PayaraNode micro = PayaraNode.launch("payara-micro", url, Map.of());
                    try {
                        micro.awaitReady(Duration.ofMinutes(8)); // as long as the others: all four start at once
                    } catch (RuntimeException | AssertionError failed) {
                        micro.close();
                        throw failed;
                    }
                    return micro;
                },
                () -> PayaraServer.start("payara-server", url),
                () -> WildFlyServer.start("wildfly", url),
                () -> LibertyServer.start("liberty", url));
        // In parallel: start-up is mostly waiting on class loading and deployment, and together
        // the four take little more than the slowest alone.
        long began = System.nanoTime();
        List<CompletableFuture<ChatNode>> starting = starters.stream()
                .map(starter -> CompletableFuture.supplyAsync(() -> timed(starter, began))).toList();
        RuntimeException failed = null;
        for (CompletableFuture<ChatNode> start : starting) {
            try {
                nodes.add(start.join());
            } catch (CompletionException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Starts a node and says what its start-up cost: the numbers behind the CI budget (docs/OPERATIONS.md). */
    private static ChatNode timed(Supplier<ChatNode> starter, long began) {
        ChatNode node = starter.get();
        Duration cpu = node.jvm().info().totalCpuDuration().orElse(Duration.ZERO);
        System.out.printf("%s ready after %d s (its JVM used %d s of CPU)%n", node.runtime(),
                Duration.ofNanos(System.nanoTime() - began).toSeconds(), cpu.toSeconds());
        return node;
    }

    @AfterAll
    static void stop() {
        nodes.parallelStream().forEach(ChatNode::close);
        if (redis != null) {
            redis.close();
        }
    }

    @TestFactory
    @Order(1)
    Stream<DynamicContainer> everyNodePassesTheConformanceSuite() {
        return IntStream.range(0, nodes.size()).mapToObj(i -> {
            ChatNode node = nodes.get(i);
            ChatNode peer = nodes.get((i + 1) % nodes.size());
            return DynamicContainer.dynamicContainer(node.runtime() + " (peer: " + peer.runtime() + ")",
                    new Conformance(node, peer).tests());
        });
    }

    @Test
    @Order(2)
    void aMessagePostedOnAnyNodeReachesSocketsOnEveryOtherNode() {
        List<Person> people = nodes.stream().map(n -> Users.register(n, "fleet")).toList();
        List<ChatSocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                sockets.add(ChatSocketClient.connect(nodes.get(i), people.get(i).http()));
            }
            for (int from = 0; from < nodes.size(); from++) {
                String text = "from " + nodes.get(from).runtime() + " " + people.get(from).id();
                sockets.get(from).sendMessage("0", text);
                for (int to = 0; to < nodes.size(); to++) {
                    JsonObject data = awaitOn(sockets.get(to), nodes.get(to), text);
                    assertEquals(people.get(from).id(), data.getString("from"));
                }
            }
        } finally {
            sockets.forEach(ChatSocketClient::close);
        }
    }

    @Test
    @Order(3)
    void presenceConvergesOnEveryNode() {
        List<Person> watchers = nodes.stream().map(n -> Users.register(n, "watch")).toList();
        List<ChatSocketClient> watching = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                watching.add(ChatSocketClient.connect(nodes.get(i), watchers.get(i).http()));
            }
            for (ChatNode node : nodes) {
                Person ann = Users.register(node, "seen");
                Predicate<JsonObject> aboutAnn = d -> d != null && ann.id().equals(d.getString("id", null));
                try (ChatSocketClient tab = ChatSocketClient.connect(node, ann.http())) {
                    for (int i = 0; i < nodes.size(); i++) {
                        watching.get(i).await("user.connected", aboutAnn, DELIVERY);
                        assertTrue(watchers.get(i).http().get("/api/users/online").object().containsKey(ann.id()),
                                ann.id() + " online as seen on " + nodes.get(i).runtime());
                    }
                }
                for (int i = 0; i < nodes.size(); i++) {
                    watching.get(i).await("user.disconnected", aboutAnn, DELIVERY);
                    ChatHttp http = watchers.get(i).http();
                    Await.until(ann.id() + " offline as seen on " + nodes.get(i).runtime(), DELIVERY,
                            () -> !http.get("/api/users/online").object().containsKey(ann.id()));
                }
            }
        } finally {
            watching.forEach(ChatSocketClient::close);
        }
    }

    @Test
    @Order(4)
    void everyServerAnswersTheSameJsonIncludingMessagesTheSeedsNodeServerWrote() {
        try (RedisProbe probe = new RedisProbe(redis.url())) {
            // as the seed demo's Node.js server stores them: no id, a numeric sender
            probe.client().getScoredSortedSet("room:0", StringCodec.INSTANCE)
                    .add(4102444800.0, "{\"from\":1,\"date\":4102444800,\"message\":\"from a seed node\",\"roomId\":\"0\"}");
        }
        Person ann = Users.register(nodes.get(0), "json");
        String page = "/api/room/0/messages?offset=0&size=30";
        var expected = ann.http().get(page).json();
        assertTrue(expected.toString().contains("from a seed node"));
        for (ChatNode node : nodes) {
            ChatHttp there = ann.http().on(node);
            assertEquals(expected, there.get(page).json(), "history as " + node.runtime() + " answers it");
            assertEquals(ann.http().get("/api/room/0/preload").json(), there.get("/api/room/0/preload").json(), node.runtime());
            assertEquals(ann.http().get("/api/rooms/" + ann.id()).json(), there.get("/api/rooms/" + ann.id()).json(), node.runtime());
        }
    }

    /** Last: it takes a node away. The victim is WildFly; its users are online through it only. */
    @Test
    @Order(100)
    void theUsersOfANodeKilledWithSigkillGoOfflineWithinTheLease() {
        ChatNode victim = nodes.stream().filter(n -> n instanceof WildFlyServer).findFirst().orElseThrow();
        List<ChatNode> survivors = nodes.stream().filter(n -> n != victim).toList();
        Person gone = Users.register(victim, "victim");
        Person staying = Users.register(survivors.get(0), "stays");
        List<Person> watchers = survivors.stream().map(n -> Users.register(n, "watch")).toList();
        List<ChatSocketClient> watching = new ArrayList<>();
        Predicate<JsonObject> aboutGone = d -> d != null && gone.id().equals(d.getString("id", null));
        try (ChatSocketClient victimSocket = ChatSocketClient.connect(victim, gone.http());
             ChatSocketClient stayingSocket = ChatSocketClient.connect(survivors.get(0), staying.http())) {
            for (int i = 0; i < survivors.size(); i++) {
                watching.add(ChatSocketClient.connect(survivors.get(i), watchers.get(i).http()));
            }
            victim.kill();
            for (int i = 0; i < survivors.size(); i++) {
                watching.get(i).await("user.disconnected", aboutGone, OFFLINE_AFTER_KILL);
                assertFalse(watchers.get(i).http().get("/api/users/online").object().containsKey(gone.id()),
                        "offline as seen on " + survivors.get(i).runtime());
                assertTrue(watchers.get(i).http().get("/api/users/online").object().containsKey(staying.id()),
                        "a user of a surviving node stays online");
            }
            assertFalse(stayingSocket.isClosed());
        } finally {
            watching.forEach(ChatSocketClient::close);
        }
    }

    private static JsonObject awaitOn(ChatSocketClient socket, ChatNode node, String text) {
        try {
            return socket.await("message", d -> d != null && text.equals(d.getString("message", null)), DELIVERY)
                    .getJsonObject("data");
        } catch (AssertionError e) {
            throw new AssertionError("a socket on " + node.runtime() + " never got '" + text + "'; it got " + socket.events(), e);
        }
    }
}
