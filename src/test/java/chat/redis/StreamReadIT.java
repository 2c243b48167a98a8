package chat.redis;

import chat.config.Settings;
import chat.testing.Await;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.connection.ConnectionListener;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Redis#readStream}, the message log's read, against a real Redis with the client the
 * node configures: what it returns, that it waits for an entry, and that reads waiting past
 * Redisson's connection ping (which queues behind them) keep working.
 */
class StreamReadIT {

    static RedisServerProcess redis;
    static RedissonClient client;
    static final AtomicInteger disconnects = new AtomicInteger();

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        Config config = Redis.redissonConfig(Settings.of(Map.of("REDIS_URL", redis.url())));
        config.setConnectionListener(new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                disconnects.incrementAndGet();
            }
        });
        client = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        redis.close();
    }

    private static RStream<String, String> stream(String key) {
        return client.getStream(key, StringCodec.INSTANCE);
    }

    private static Map<StreamMessageId, Map<String, String>> read(String key, StreamMessageId after, int count, Duration block) {
        return Redis.readStream(client, key, after, count, block).toCompletableFuture().join();
    }

    @Test
    void returnsTheEntriesAfterThePositionInOrderAtMostCount() {
        RStream<String, String> stream = stream("read-order");
        StreamMessageId first = stream.add(StreamAddArgs.entry("n", "1"));
        stream.add(StreamAddArgs.entry("n", "2"));
        stream.add(StreamAddArgs.entry("n", "3"));
        stream.add(StreamAddArgs.entry("n", "4"));

        Map<StreamMessageId, Map<String, String>> read = read("read-order", first, 2, Duration.ofSeconds(1));

        assertEquals(List.of("2", "3"), read.values().stream().map(entry -> entry.get("n")).toList());
    }

    @Test
    void answersEmptyWhenNothingCameDuringTheBlock() {
        StreamMessageId last = stream("read-nothing").add(StreamAddArgs.entry("n", "1"));

        Map<StreamMessageId, Map<String, String>> read = read("read-nothing", last, 10, Duration.ofMillis(200));

        assertTrue(read == null || read.isEmpty(), "read " + read);
    }

    @Test
    void returnsAnEntryAddedWhileItWaits() {
        StreamMessageId last = stream("read-wait").add(StreamAddArgs.entry("n", "1"));
        CompletableFuture<Map<StreamMessageId, Map<String, String>>> read = CompletableFuture.supplyAsync(
                () -> read("read-wait", last, 10, Duration.ofSeconds(1)));
        // Added until the read has it: one added before the read was sent is returned just the same.
        Await.until("the waiting read returns the entry added meanwhile", Duration.ofSeconds(10), () -> {
            if (!read.isDone()) {
                stream("read-wait").add(StreamAddArgs.entry("n", "new"));
            }
            return read.isDone() && read.join() != null && !read.join().isEmpty();
        });

        assertEquals("new", read.join().values().iterator().next().get("n"));
    }

    @Test
    void readsWaitingBackToBackOutlastRedissonsConnectionPing() {
        StreamMessageId last = stream("read-idle").add(StreamAddArgs.entry("n", "1"));
        // The node's ping interval is 5 s: eight one-second reads span at least one ping on every
        // connection they use, which then waits behind a read; a ping that timed out would close
        // the connection (a read of 4 s does, with a SEVERE line from Redisson).
        int before = disconnects.get();
        for (int i = 0; i < 8; i++) {
            Map<StreamMessageId, Map<String, String>> read = read("read-idle", last, 10, Duration.ofSeconds(1));
            assertTrue(read == null || read.isEmpty(), "read " + i + ": " + read);
        }
        assertEquals(before, disconnects.get(), "connections closed while the reads waited");
        stream("read-idle").add(StreamAddArgs.entry("n", "2"));
        assertEquals("2", read("read-idle", last, 10, Duration.ofSeconds(1)).values().iterator().next().get("n"));
    }
}
