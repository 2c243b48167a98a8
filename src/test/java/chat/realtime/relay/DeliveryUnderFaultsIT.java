package chat.realtime.relay;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.DeliveryReport;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisCommand;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Scrape;
import chat.testing.Traffic;
import chat.testing.Users;
import chat.testing.WorkDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults during steady cross-node traffic (issue 13's table; docs/RELIABILITY.md): two nodes on
 * one Redis with AOF, senders and recording receivers on both, shared by the whole class. Each
 * test ends with every receiver whose socket stayed open holding every stored message exactly
 * once and in order, every message stored once, and no sender told "error" for a stored one.
 * Each prints its line of the fault table.
 */
class DeliveryUnderFaultsIT {

    private static final int RECEIVERS_PER_NODE = 4;
    private static final int SENDERS_PER_NODE = 2;
    private static final double MESSAGES_PER_SECOND_PER_SENDER = 8;
    private static final String ROOM = "0";

    static RedisServerProcess redis;
    static RedisProbe probe;
    static PayaraNode a;
    static PayaraNode b;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start(Ports.free(), WorkDirs.fresh("faults-redis-"), true);
        probe = new RedisProbe(redis.url());
        // Sockets pinged every 5 minutes: a socket of an ended session is closed here by what the test is about, never by
        // the ping's session check (20 s by default).
        Map<String, String> rarePings = Map.of("CHAT_PING_INTERVAL", "PT5M", "CHAT_SOCKET_IDLE_TIMEOUT", "PT10M");
        a = PayaraNode.launch("faults-a", redis.url(), rarePings);
        b = PayaraNode.launch("faults-b", redis.url(), rarePings);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        probe.close();
        redis.close();
    }

    @Test
    void lostSubscriptionsAreLoggedAndCountedAndReadinessFollowsRedis() {
        for (PayaraNode node : List.of(a, b)) {
            node.awaitHealthy();
        }
        Map<PayaraNode, Double> lost = Map.of(a, relayEvents(a, "subscription_lost"), b, relayEvents(b, "subscription_lost"));
        Map<PayaraNode, Double> restored = Map.of(a, relayEvents(a, "subscription_restored"), b, relayEvents(b, "subscription_restored"));
        Map<PayaraNode, Long> logged = Map.of(a, a.logLines("Relay subscription lost"), b, b.logLines("Relay subscription lost"));
        for (int kill = 1; kill <= 3; kill++) {
            RedisCommand.send(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");
            int kills = kill;
            for (PayaraNode node : List.of(a, b)) {
                Await.until(node.serverId() + " counted renewal " + kills, Duration.ofSeconds(30),
                        () -> relayEvents(node, "subscription_restored") >= restored.get(node) + kills);
            }
        }
        for (PayaraNode node : List.of(a, b)) {
            assertEquals(lost.get(node) + 3, relayEvents(node, "subscription_lost"), node.serverId() + ": one loss counted per kill");
            assertEquals(logged.get(node) + 3, node.logLines("Relay subscription lost"), node.serverId() + ": one log line per loss");
            node.awaitHealthy();
        }
        signal("STOP");
        try {
            Await.until("node A not ready while Redis is stopped", Duration.ofSeconds(15),
                    () -> statusOf(a, "/health/ready") == 503);
        } finally {
            signal("CONT");
        }
        a.awaitHealthy();
    }

    @Test
    void aSessionThatEndedUnheardClosesItsSocketsWhenTheRelaySubscribesAgain() {
        Users.Person ann = Users.register(a, "ann");
        Users.Person bob = Users.register(b, "bob");
        try (ChatSocketClient annOnB = ChatSocketClient.connect(b, ann.http());
             ChatSocketClient bobOnB = ChatSocketClient.connect(b, bob.http())) {
            // What node B sees of a logout on node A while B's subscription is lost: the session is gone, nothing announced it.
            List<String> sessions = probe.zrange("chat:user-sessions:" + ann.id());
            assertEquals(1, sessions.size(), sessions.toString());
            RedisCommand.send(redis.port(), "DEL", "chat:session:" + sessions.get(0));
            RedisCommand.send(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");
            assertEquals(1008, annOnB.awaitClose(), "closed when node B subscribed again");
            String marker = Users.unique("still-");
            bobOnB.sendMessage(ROOM, marker);
            bobOnB.awaitMessage(marker);
            assertFalse(bobOnB.isClosed(), "a live session's socket stays");
        }
    }

    /**
     * A logout that comes while a socket's handshake is under way closes that socket too. It ended
     * the sessions' sockets it found, and a socket registered after the ending but checked before it
     * got every event of its user until the ping's check, 20 s later by default (found from outside).
     */
    @Test
    void aLogoutRacingTheHandshakeLeavesNoSocketOpen() throws Exception {
        Users.Person ann = Users.register(a, "racer");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int opened = 0;
            for (int attempt = 0; attempt < 20; attempt++) {
                ChatHttp session = new ChatHttp(a);
                session.loggedIn(ann.username(), "pw-racer");
                CountDownLatch go = new CountDownLatch(1);
                Future<ChatSocketClient> opening = pool.submit(() -> {
                    go.await();
                    return ChatSocketClient.open(a, session);
                });
                Future<Integer> loggingOut = pool.submit(() -> {
                    go.await();
                    return session.post("/api/logout", "{}").status();
                });
                go.countDown();
                assertEquals(204, loggingOut.get(20, TimeUnit.SECONDS));
                ChatSocketClient socket;
                try {
                    socket = opening.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException refused) { // the logout came first: no socket
                    continue;
                }
                opened++;
                assertEquals(1008, socket.awaitClose(), "attempt " + attempt + ": the socket of the session that ended");
            }
            System.out.println("a logout racing the handshake: " + opened + " sockets of 20 opened, each then closed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKilledConnectionOfTheLogsReadsHoldsNoDeliveryBack() {
        Users.Person ann = Users.register(a, "ann");
        Users.Person bob = Users.register(b, "bob");
        try (ChatSocketClient annOnA = ChatSocketClient.connect(a, ann.http());
             ChatSocketClient bobOnB = ChatSocketClient.connect(b, bob.http())) {
            Await.until("both nodes' reads of the log waiting in Redis", Duration.ofSeconds(10),
                    () -> logReaders(true).size() >= 2);
            for (String id : logReaders(false)) {
                RedisCommand.send(redis.port(), "CLIENT", "KILL", "ID", id);
            }
            String marker = Users.unique("after-kill-");
            annOnA.sendMessage(ROOM, marker);
            // Redis never answers a read whose connection it closed, and Redisson fails it only when its response timeout
            // ends (the read's block of 1 s and 2 s more): a node that waited for that delivered nothing for 2-3 s.
            Duration wellBeforeTheTimeout = Duration.ofMillis(1500);
            annOnA.await("message", m -> m != null && marker.equals(m.getString("message", "")), wellBeforeTheTimeout);
            bobOnB.await("message", m -> m != null && marker.equals(m.getString("message", "")), wellBeforeTheTimeout);
        }
    }

    /** Found from outside: the close's presence update failed, was never repeated, and the user stayed online for good. */
    @Test
    void aSocketClosedWhileRedisIsStoppedTakesItsUserOfflineOnceRedisIsBack() {
        Users.Person ann = Users.register(a, "gone");
        Users.Person bob = Users.register(b, "watch");
        ChatSocketClient annOnA = ChatSocketClient.connect(a, ann.http());
        Await.until("ann online, seen from node B", Duration.ofSeconds(10), () -> isOnline(bob, ann.id()));
        signal("STOP");
        try {
            annOnA.abort();
            // Node A's update for the closed socket gives up after its timeout and one retry (about 2.3 s) while Redis is stopped.
            Await.hold(Duration.ofSeconds(4));
        } finally {
            signal("CONT");
        }
        Await.until("ann offline, seen from node B", Duration.ofSeconds(20), () -> !isOnline(bob, ann.id()));
        assertFalse(probe.set("online_users").contains(ann.id()), "the seed's online_users follows");
    }

    private static boolean isOnline(Users.Person viewer, String userId) {
        try {
            ChatHttp.Reply online = viewer.http().get("/api/users/online");
            return online.status() != 200 || online.object().containsKey(userId); // not answering yet: no news
        } catch (RuntimeException notAnswering) {
            return true;
        }
    }

    /** The ids of Redis's clients whose last command was an {@code XREAD} (only those blocked in one, if asked). */
    private static List<String> logReaders(boolean blockedOnly) {
        return RedisCommand.text(redis.port(), "CLIENT", "LIST").lines()
                .filter(line -> line.contains(" cmd=xread ") && (!blockedOnly || line.matches(".* flags=[^ ]*b.*")))
                .map(line -> line.substring("id=".length(), line.indexOf(' ')))
                .toList();
    }

    @Test
    void pubSubConnectionsKilledFiveTimes() {
        DeliveryReport report = underTraffic("CLIENT KILL TYPE pubsub x5", () -> {
            for (int i = 0; i < 5; i++) {
                RedisCommand.send(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");
                Await.hold(Duration.ofSeconds(1)); // the fault's schedule: one kill a second
            }
        });
        assertExact(report);
    }

    @Test
    void redisStoppedForTenSeconds() {
        DeliveryReport report = underTraffic("Redis SIGSTOP 10 s", () -> {
            signal("STOP");
            try {
                Await.until("node A not ready while Redis is stopped", Duration.ofSeconds(9),
                        () -> new ChatHttp(a).get("/health/ready").status() == 503);
                Await.hold(Duration.ofSeconds(8)); // the rest of the ten seconds
            } finally {
                signal("CONT");
            }
        });
        assertExact(report);
    }

    @Test
    void redisRestartedWithItsAppendOnlyFile() {
        double restoredBefore = relayEvents(a, "subscription_restored");
        DeliveryReport report = underTraffic("Redis restart (AOF), down 5 s", () -> {
            redis.stop();
            Await.hold(Duration.ofSeconds(5)); // how long Redis stays away
            redis.startProcess();
        });
        assertExact(report);
        assertTrue(relayEvents(a, "subscription_restored") > restoredBefore, "the renewal is counted");
    }

    @Test
    void redisPausesWritesForFiveSeconds() {
        DeliveryReport report = underTraffic("CLIENT PAUSE 5000 WRITE", () -> {
            RedisCommand.send(redis.port(), "CLIENT", "PAUSE", "5000", "WRITE");
            Await.hold(Duration.ofSeconds(6)); // the pause and a second after it
        });
        assertExact(report);
    }

    @Test
    void sequenceGoesBackwards() {
        DeliveryReport report = underTraffic("sequence reset (-10)", () ->
                RedisCommand.send(redis.port(), "DECRBY", "chat:message-seq", "10"));
        // Positions reused: a client either still holds everything exactly or was told to reload.
        assertEquals(2 * RECEIVERS_PER_NODE, report.openReceivers() + report.reloadingReceivers(), report.toString());
        assertTrue(report.exact(), report.toString());
    }

    /**
     * Opens receivers and senders on both nodes, starts the traffic, injects the fault once
     * traffic flows, keeps the traffic going until both nodes are ready again and a little
     * longer, then compares what every receiver saw with what Redis stored.
     */
    private static DeliveryReport underTraffic(String fault, Runnable inject) {
        for (PayaraNode node : List.of(a, b)) {
            node.awaitHealthy();
            // Traffic starts on nodes that serve, not only say ready: with Redisson 3.52 the first logins after an
            // earlier test's Redis stop got connections still reconnecting (503; docs/RELIABILITY.md).
            Await.until(node.serverId() + " serves logins", Duration.ofSeconds(30),
                    () -> new ChatHttp(node).login(Users.unique("warm"), "pw-warm-up").status() / 100 == 2);
        }
        Map<String, ChatSocketClient> receivers = new LinkedHashMap<>();
        List<ChatSocketClient> senders = new ArrayList<>();
        try {
            for (PayaraNode node : List.of(a, b)) {
                for (int i = 0; i < RECEIVERS_PER_NODE; i++) {
                    Users.Person person = Users.register(node, "rcv");
                    receivers.put(node.serverId() + "/" + person.username(), ChatSocketClient.connect(node, person.http()));
                }
                for (int i = 0; i < SENDERS_PER_NODE; i++) {
                    senders.add(ChatSocketClient.connect(node, Users.register(node, "snd").http()));
                }
            }
            Traffic traffic = Traffic.start(Users.unique("f"), ROOM, senders, MESSAGES_PER_SECOND_PER_SENDER);
            try {
                Await.until("traffic flowing", Duration.ofSeconds(30), () -> traffic.sent() >= 20);
                inject.run();
                for (PayaraNode node : List.of(a, b)) {
                    Await.until(node.serverId() + " ready again after: " + fault, Duration.ofSeconds(90),
                            () -> statusOf(node, "/health/ready") == 200);
                }
                int afterRecovery = traffic.sent();
                Await.until("traffic after the recovery", Duration.ofSeconds(30), () -> traffic.sent() >= afterRecovery + 20);
            } finally {
                traffic.stop();
            }
            DeliveryReport report = DeliveryReport.of(fault, traffic, receivers, probe, Duration.ofSeconds(20));
            System.out.println("[fault table] " + report.row());
            assertTrue(report.stored() >= 40, "traffic was stored: " + report);
            return report;
        } finally {
            receivers.values().forEach(ChatSocketClient::close);
            senders.forEach(ChatSocketClient::close);
        }
    }

    private static void assertExact(DeliveryReport report) {
        assertTrue(report.openReceivers() >= RECEIVERS_PER_NODE, "receivers whose sockets stayed open: " + report);
        assertTrue(report.exact(), report.toString());
    }

    private static double relayEvents(PayaraNode node, String event) {
        return Scrape.of(node).value("chat_relay_events_total{event=\"" + event + "\"}");
    }

    private static int statusOf(PayaraNode node, String path) {
        try {
            return new ChatHttp(node).get(path).status();
        } catch (RuntimeException notAnswering) {
            return -1;
        }
    }

    private static void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(redis.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
