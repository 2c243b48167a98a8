package chat.redis;

import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node warns when its Redis may evict the chat's keys (docs/OPERATIONS.md, "Redis"); asked of real Redis servers. */
class EvictionPolicyIT {

    @Test
    void anEvictingPolicyIsNamedAndNoevictionIsNot() {
        try (RedisServerProcess lru = RedisServerProcess.startWith("--maxmemory-policy", "allkeys-lru");
             RedisProbe probe = new RedisProbe(lru.url())) {
            assertEquals(Optional.of("allkeys-lru"), on(probe).evicting());
        }
        try (RedisServerProcess plain = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(plain.url())) {
            assertEquals(Optional.empty(), on(probe).evicting(), "Redis's default, noeviction");
        }
    }

    private static EvictionPolicy on(RedisProbe probe) {
        EvictionPolicy policy = new EvictionPolicy();
        policy.redis = probe.client();
        return policy;
    }
}
