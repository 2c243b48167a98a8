package chat.redis;

import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RedisUrlTest {

    private static SingleServerConfig server(String url) {
        SingleServerConfig server = new Config().useSingleServer();
        Redis.applyUrl(server, url);
        return server;
    }

    @Test
    void plainUrl() {
        SingleServerConfig s = server("redis://cache.local:6380");
        assertEquals("redis://cache.local:6380", s.getAddress());
        assertNull(s.getPassword());
    }

    @Test
    void passwordAndDatabaseAndTls() {
        SingleServerConfig s = server("rediss://:p%40ss@cache.local/2");
        assertEquals("rediss://cache.local:6379", s.getAddress());
        assertEquals("p@ss", s.getPassword());
        assertEquals(2, s.getDatabase());
    }

    @Test
    void aclUser() {
        SingleServerConfig s = server("redis://chat:secret@cache.local:6379");
        assertEquals("chat", s.getUsername());
        assertEquals("secret", s.getPassword());
    }
}
