package chat.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.List;

/**
 * Token buckets in Redis, so a limit holds across all nodes and tabs: {@code burst} tokens,
 * refilled at {@code perSecond}; each call takes one if there is one. Redis's clock is the only
 * clock, so nodes with skewed clocks agree. A refusal writes nothing.
 */
@ApplicationScoped
public class TokenBuckets {

    /**
     * Takes a token from the bucket at KEYS[1] (ARGV[1] burst, ARGV[2] refill per second), or
     * returns 0 from the script. Also the start of the posting script, which goes on from there.
     */
    public static final String TAKE_OR_RETURN_0 = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local burst = tonumber(ARGV[1])
            local perMs = tonumber(ARGV[2]) / 1000
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or burst
            local at = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
            if tokens < 1 then return 0 end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
            """;

    private static final String TAKE = TAKE_OR_RETURN_0 + "return 1\n";

    @Inject
    RedissonClient redis;

    /** Takes a token from the bucket at {@code key}; false when it is empty. */
    public boolean take(String key, int burst, double perSecond) {
        Long taken = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, TAKE, RScript.ReturnType.LONG,
                List.of(key), String.valueOf(burst), String.valueOf(perSecond));
        return taken != null && taken == 1;
    }
}
