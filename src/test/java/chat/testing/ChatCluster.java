package chat.testing;

import java.util.List;
import java.util.Map;

/**
 * One real Redis and two Payara Micro nodes sharing it, started once per test JVM and shared by
 * every integration test that needs a running chat (tests use fresh user names to stay apart).
 * Tests that need an empty Redis or kill a node start their own.
 */
public final class ChatCluster implements AutoCloseable {

    private static ChatCluster shared;

    private final RedisServerProcess redis;
    private final List<PayaraNode> nodes;
    private final RedisProbe probe;

    private ChatCluster(RedisServerProcess redis, List<PayaraNode> nodes) {
        this.redis = redis;
        this.nodes = nodes;
        this.probe = new RedisProbe(redis.url());
    }

    /**
     * The shared cluster, started on first use and stopped when the test JVM exits. Not with
     * JUnit's root store: with two test JVMs, failsafe runs each class as a launch of its own,
     * whose end closed the store and so the cluster, which the next class then started again
     * (17 starts in a run instead of one per JVM).
     */
    public static synchronized ChatCluster shared() {
        if (shared == null) {
            RedisServerProcess redis = RedisServerProcess.start();
            PayaraNode a = PayaraNode.launch("node-a", redis.url(), Map.of());
            PayaraNode b = PayaraNode.launch("node-b", redis.url(), Map.of());
            try {
                a.awaitReady();
                b.awaitReady();
            } catch (RuntimeException | AssertionError failedToStart) {
                a.close();
                b.close();
                redis.close();
                throw failedToStart;
            }
            ChatCluster cluster = new ChatCluster(redis, List.of(a, b));
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "chat-cluster-stop"));
            shared = cluster;
        } else {
            shared.awaitHealthy();
        }
        return shared;
    }

    /**
     * Before the shared cluster serves another test: both nodes alive and ready. A class before may
     * have killed Redis's pub/sub connections (a node is not ready until it hears its own probe
     * again) or refused writes for a moment; one that killed a shared node broke the rule above.
     */
    private void awaitHealthy() {
        for (PayaraNode node : nodes) {
            if (!node.jvm().isAlive()) {
                throw new AssertionError("shared node " + node.serverId() + " has exited (a test stopped it?); see " + node.log());
            }
            node.awaitHealthy();
        }
    }

    /**
     * A cluster of its own (a fresh Redis, two nodes with these settings) for one test class,
     * which closes it when done: for settings the shared cluster must not have.
     */
    public static ChatCluster start(String name, Map<String, String> env) {
        RedisServerProcess redis = RedisServerProcess.start();
        PayaraNode a = PayaraNode.launch(name + "-a", redis.url(), env);
        PayaraNode b = PayaraNode.launch(name + "-b", redis.url(), env);
        try {
            a.awaitReady();
            b.awaitReady();
        } catch (RuntimeException | AssertionError failedToStart) {
            a.close();
            b.close();
            redis.close();
            throw failedToStart;
        }
        return new ChatCluster(redis, List.of(a, b));
    }

    public PayaraNode nodeA() {
        return nodes.get(0);
    }

    public PayaraNode nodeB() {
        return nodes.get(1);
    }

    public RedisServerProcess redis() {
        return redis;
    }

    public RedisProbe probe() {
        return probe;
    }

    @Override
    public void close() {
        nodes.forEach(PayaraNode::close);
        probe.close();
        redis.close();
        synchronized (ChatCluster.class) {
            if (shared == this) {
                shared = null;
            }
        }
    }
}
