package chat.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's {@code maxmemory-policy}: none of the chat's keys may be evicted (docs/OPERATIONS.md,
 * "Redis"). With {@code allkeys-lru} a full Redis deleted sessions, users and the user counter
 * (found from outside), so a node says so in its log when it joins.
 */
@ApplicationScoped
public class EvictionPolicy {

    private static final Logger LOG = Logger.getLogger(EvictionPolicy.class.getName());
    private static final Pattern POLICY = Pattern.compile("(?m)^maxmemory_policy:(\\S+)");

    @Inject
    RedissonClient redis;

    /** The policy when it is not {@code noeviction}; empty otherwise, or when Redis does not tell. */
    public Optional<String> evicting() {
        String info;
        try { // INFO through a script: Redisson reaches the server that way on every topology; CONFIG may be disabled
            info = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, "return redis.call('INFO', 'memory')",
                    RScript.ReturnType.STRING);
        } catch (RuntimeException notTold) { // a managed Redis may refuse INFO in scripts: nothing to warn about then
            LOG.fine(() -> "Redis's maxmemory-policy not known: " + notTold);
            return Optional.empty();
        }
        Matcher policy = POLICY.matcher(info == null ? "" : info);
        return policy.find() && !policy.group(1).equals("noeviction") ? Optional.of(policy.group(1)) : Optional.empty();
    }
}
