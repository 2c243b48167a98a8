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
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Redisson client per application, shut down at undeploy: redeploying the (exploded) WAR five
 * times in one Payara Micro leaves no Redisson threads and no Redis connections behind.
 */
class RedeployIT {

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
            int threads = redissonThreads(node);
            long clients = connectedClients(redis);
            assertTrue(threads > 0, "the thread dump shows the running client's threads");

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
            // Each deployment's client starts its pools' threads lazily (a busier one may start one more), but
            // a client left behind keeps all of its own: five of them would add five times as many.
            Await.until("Redisson threads back to about " + threads + " (now " + redissonThreads(node) + ")", Duration.ofSeconds(30),
                    () -> redissonThreads(node) < threads + threads / 2);
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

    private static int redissonThreads(PayaraNode node) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(node.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor();
            return (int) dump.lines().filter(l -> l.startsWith("\"redisson-") || l.startsWith("\"chat-node-")).count();
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
