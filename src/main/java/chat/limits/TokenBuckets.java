package chat.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.List;

/**
 * Token buckets in Redis, so a limit holds across all nodes and tabs: {@code burst} tokens,
 * refilled at {@code perSecond}; each call takes one if there is one. A refusal writes nothing.
 * A take counts from when its node was asked (never later than Redis's clock, so a node whose clock
 * runs ahead gains nothing, and one behind only refills later): counted when Redis got to it, the
 * posts a user sent at 4 a second while Redis was stalled for 10 s arrived at once afterwards, and
 * the last few of them were refused "too fast" although the user had kept to the rate (found from
 * outside).
 */
@ApplicationScoped
public class TokenBuckets {

    private static final String TAKE = takeOrReturn0("ARGV[3]") + "return 1\n";

    /**
     * Takes a token from the bucket at KEYS[1] (ARGV[1] burst, ARGV[2] refill per second) as of the
     * Unix milliseconds in {@code askedAt} (a Lua expression), or returns 0 from the script. Also
     * the start of the posting script, which goes on from there.
     */
    public static String takeOrReturn0(String askedAt) {
        return """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                local asked = tonumber(%s)
                if asked and asked < now then now = asked end
                local burst = tonumber(ARGV[1])
                local perMs = tonumber(ARGV[2]) / 1000
                local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
                local tokens = tonumber(state[1]) or burst
                local at = tonumber(state[2]) or now
                tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
                if tokens < 1 then return 0 end
                redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(math.max(at, now)))
                redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
                """.formatted(askedAt);
    }

    @Inject
    RedissonClient redis;

    /** Takes a token from the bucket at {@code key} as of now; false when it is empty. */
    public boolean take(String key, int burst, double perSecond) {
        Long taken = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, TAKE, RScript.ReturnType.LONG,
                List.of(key), String.valueOf(burst), String.valueOf(perSecond), String.valueOf(System.currentTimeMillis()));
        return taken != null && taken == 1;
    }
}
