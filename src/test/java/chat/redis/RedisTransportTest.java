package chat.redis;

import chat.config.Settings;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.redisson.config.TransportMode;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisTransportTest {

    @Test
    void epollIsUsedWhereItLoads() {
        assertTrue(Epoll.isAvailable(), () -> "the WAR's native epoll library does not load on this Linux machine: "
                + Epoll.unavailabilityCause());
        assertEquals(TransportMode.EPOLL, Redis.redissonConfig(Settings.of(Map.of())).getTransportMode());
    }

    @Test
    void theJavaTransportWhenEpollIsTurnedOff() {
        assertEquals(TransportMode.NIO, Redis.redissonConfig(Settings.of(Map.of("CHAT_REDIS_EPOLL", "false"))).getTransportMode());
    }
}
