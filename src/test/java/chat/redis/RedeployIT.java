package chat.redis;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Redisson client per application, shut down at undeploy: redeploying the (exploded) WAR five
 * times in one Payara Micro leaves no Redisson threads and no Redis connections behind.
 */
class RedeployIT {

    private static final Pattern POOL_THREAD = Pattern.compile("\"(redisson(?:-[a-z]+)*)-(\\d+)-(\\d+)\"");

    @Test
    void fiveRedeploysLeakNoThreadsOrConnections() throws Exception {
        Path exploded = explode(PayaraNode.war());
        Files.createFile(exploded.resolve(".reload"));
        try (RedisServerProcess redisServer = RedisServerProcess.start();
             RedisProbe redis = new RedisProbe(redisServer.url());
             PayaraNode node = PayaraNode.launch("redeploy", redisServer.url(), Map.of(), exploded)) {
            node.awaitReady();
            Await.until("the node to join the relay", Duration.ofSeconds(60), () -> node.logLines("joined the relay") == 1);
            new ChatHttp(node).loggedIn("Pablo", "password123");
            Map<String, List<String>> pools = redissonPools(node);
            long clients = connectedClients(redis);
            assertTrue(pools.containsKey("redisson-netty"), "the thread dump shows the running client's threads: " + pools);

            for (int round = 1; round <= 5; round++) {
                long deployments = redeploy(node, exploded.resolve(".reload"));
                // 503 until the new deployment has heard its relay probe (the start-up gate), then a login
                Await.until("Pablo logs in after deployment " + deployments, Duration.ofSeconds(60),
                        () -> new ChatHttp(node).login("Pablo", "password123").status() == 200);
            }
            Await.until("no redeployment under way", Duration.ofSeconds(60), () -> {
                long before = node.logLines("joined the relay");
                return new ChatHttp(node).login("Pablo", "password123").status() == 200
                        && node.logLines("joined the relay") == before;
            });
            // A client starts its pools' threads lazily (a busy run had 26 against 16 at first), so their count tells
            // little; a client left behind keeps pools of its own beside the new client's.
            Await.until("one Redisson client's threads left, as at first " + pools + " (now " + redissonPools(node) + ")", Duration.ofSeconds(30),
                    () -> oneClients(redissonPools(node)));
            Await.until("one deployment's scheduler left (now " + schedulers(node) + ")", Duration.ofSeconds(30), () -> schedulers(node) == 1);
            Await.until("Redis connections back to " + clients + " (now " + connectedClients(redis) + ")", Duration.ofSeconds(30),
                    () -> connectedClients(redis) <= clients);
        }
    }

    /**
     * Payara Micro redeploys an exploded WAR when its .reload file is newer than the time it last
     * (re)deployed it, a time it takes when its deploy command returns. That can be after the
     * application already serves, so a touch in between is older than that time and is ignored:
     * touch again until a new deployment joins the relay. Not a time in the future: a .reload newer
     * than the last deployment makes it redeploy again.
     *
     * @return how many deployments have joined the relay
     */
    private static long redeploy(PayaraNode node, Path reload) {
        long before = node.logLines("joined the relay");
        touch(reload);
        long[] touched = {System.nanoTime()};
        Await.until("a redeployment after deployment " + before, Duration.ofSeconds(120), () -> {
            if (node.logLines("joined the relay") > before) {
                return true;
            }
            if (System.nanoTime() - touched[0] > Duration.ofSeconds(20).toNanos()) {
                touch(reload);
                touched[0] = System.nanoTime();
            }
            return false;
        });
        return node.logLines("joined the relay");
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long connectedClients(RedisProbe redis) {
        Map<String, String> info = redis.client().getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.CLIENTS);
        return Long.parseLong(info.get("connected_clients"));
    }

    /**
     * The node's Redisson threads by kind, as pool and thread number ("redisson-netty-7-3" is thread 3 of netty pool 7).
     * Each deployment's class loader numbers its pools anew, so a client left behind shows as the same names twice.
     */
    private static Map<String, List<String>> redissonPools(PayaraNode node) {
        Map<String, List<String>> pools = new TreeMap<>();
        threadDump(node).lines().map(POOL_THREAD::matcher).filter(Matcher::lookingAt)
                .forEach(thread -> pools.computeIfAbsent(thread.group(1), kind -> new ArrayList<>()).add(thread.group(2) + "-" + thread.group(3)));
        pools.values().forEach(threads -> threads.sort(null)); // a failure's message shows the same names side by side
        return pools;
    }

    /** One client's: one pool of each kind, no thread twice. */
    private static boolean oneClients(Map<String, List<String>> pools) {
        return pools.values().stream().allMatch(threads -> Set.copyOf(threads).size() == threads.size()
                && threads.stream().map(thread -> thread.substring(0, thread.indexOf('-'))).distinct().count() == 1);
    }

    /** The deployments' own schedulers, one per deployment ({@code chat-node-<server id>}). */
    private static long schedulers(PayaraNode node) {
        return threadDump(node).lines().filter(line -> line.startsWith("\"chat-node-")).count();
    }

    private static String threadDump(PayaraNode node) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(node.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor();
            return dump;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path explode(Path war) throws IOException {
        Path workDir = Files.createDirectories(Path.of(System.getProperty("chat.test.workDir", "target/it")));
        Path dir = Files.createTempDirectory(workDir, "exploded-");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(war))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy((InputStream) zip, target);
                }
            }
        }
        return dir;
    }
}
