package chat.redis;

import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SubscriptionMode;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example Redisson files operators copy parse, and read and subscribe on masters. */
class RedissonYamlTest {

    @Test
    void sentinelExample() throws IOException {
        Config config = Config.fromYAML(Path.of("payara/redisson/sentinel.yaml").toFile());
        assertTrue(config.isSentinelConfig());
        var sentinel = config.useSentinelServers();
        assertEquals("mymaster", sentinel.getMasterName());
        assertEquals(3, sentinel.getSentinelAddresses().size());
        assertEquals(ReadMode.MASTER, sentinel.getReadMode());
        assertEquals(SubscriptionMode.MASTER, sentinel.getSubscriptionMode());
    }

    @Test
    void clusterExample() throws IOException {
        Config config = Config.fromYAML(Path.of("payara/redisson/cluster.yaml").toFile());
        assertTrue(config.isClusterConfig());
        var cluster = config.useClusterServers();
        assertEquals(3, cluster.getNodeAddresses().size());
        assertEquals(ReadMode.MASTER, cluster.getReadMode());
        assertEquals(SubscriptionMode.MASTER, cluster.getSubscriptionMode());
    }
}
