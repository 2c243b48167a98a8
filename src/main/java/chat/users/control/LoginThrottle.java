package chat.users.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Slows down password guessing without locking anyone out, after OWASP's "Slow Down Online
 * Guessing Attacks with Device Cookies" (docs/SECURITY.md): failures from clients without the
 * user's device cookie lock out only such clients (a sliding window per user); a device that has
 * logged in as the user has its own allowance; an address's failures only ever stop attempts at
 * users that already failed, never another user's first try. Every attempt is counted by one
 * Redis script before bcrypt runs, so parallel guesses on any node cannot pass the count together.
 * The bcrypt work itself takes its turn in {@link PasswordHashing}.
 */
@ApplicationScoped
public class LoginThrottle {

    /**
     * KEYS[1] the failures of this kind of client for the user (sorted set of attempt ids by ms:
     * {@code ?id} while its password is checked, {@code !id} once it failed), KEYS[2] the failures
     * from the address. ARGV[1] allowed, ARGV[2] window ms, ARGV[3] attempt id, ARGV[4] the address's
     * allowance (0: not applied). Returns {@code {verdict, ms to wait}}: 0 to go on (the attempt is
     * recorded as a failure until it succeeds), {@link #BEING_CHECKED} (attempts still being checked make
     * the count, not failures), {@link #CLIENT_FAILED} or {@link #ADDRESS_FAILED} (which allowance is used up).
     */
    private static final String BEGIN = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local failures = redis.call('ZCARD', KEYS[1])
            if failures >= tonumber(ARGV[1]) then
              local failed = 0
              for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
                if string.sub(id, 1, 1) == '!' then failed = failed + 1 end
              end
              if failed < tonumber(ARGV[1]) then return {1, 1000} end
              local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return {2, math.max(1, tonumber(oldest[2]) + window - now)}
            end
            local addressAllowed = tonumber(ARGV[4])
            if addressAllowed > 0 and failures > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= addressAllowed then
              return {3, math.max(1, redis.call('PTTL', KEYS[2]))}
            end
            redis.call('ZADD', KEYS[1], now, '?' .. ARGV[3])
            redis.call('PEXPIRE', KEYS[1], window)
            return {0, 0}
            """;
    private static final long BEING_CHECKED = 1;
    private static final long CLIENT_FAILED = 2;
    private static final long ADDRESS_FAILED = 3;

    /** KEYS[1] the user's failures as in {@link #BEGIN}, KEYS[2] the address's. ARGV[1] window ms, ARGV[2] attempt id. */
    private static final String FAILED = """
            local since = redis.call('ZSCORE', KEYS[1], '?' .. ARGV[2])
            if since then
              redis.call('ZREM', KEYS[1], '?' .. ARGV[2])
              redis.call('ZADD', KEYS[1], since, '!' .. ARGV[2])
            end
            if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
            return 1
            """;

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    /** One password check in progress: counted as a failure until {@link #succeeded} says otherwise. */
    public record Attempt(String failuresKey, String id, String address) {
    }

    /**
     * Counts an attempt to log in as the user before any bcrypt; 429 when this kind of client has
     * failed too often. {@code device} is the user's device cookie this client holds, if any.
     */
    public Attempt begin(String userId, Optional<String> device, String address) {
        String key = device.map(d -> RedisKeys.loginFailuresOfDevice(userId, d)).orElseGet(() -> RedisKeys.loginFailuresOfUser(userId));
        int allowed = device.isPresent() ? settings.deviceLoginFailuresAllowed() : settings.loginFailuresAllowed();
        int addressAllowed = device.isPresent() ? 0 : settings.addressLoginFailuresAllowed();
        Attempt attempt = new Attempt(key, UUID.randomUUID().toString(), address);
        List<Number> answer = script().eval(key, RScript.Mode.READ_WRITE, BEGIN, RScript.ReturnType.LIST,
                List.of(key, RedisKeys.loginFailuresOfAddress(address)), String.valueOf(allowed),
                String.valueOf(settings.loginFailureWindow().toMillis()), attempt.id(), String.valueOf(addressAllowed));
        long verdict = answer.get(0).longValue();
        long waitSeconds = (answer.get(1).longValue() + 999) / 1000;
        if (verdict == BEING_CHECKED) {
            // Correct passwords typed in several tabs at once count as failures only until they are checked.
            throw ChatError.tooManyRequests("Other logins as this user are being checked right now; try again in a moment", 1);
        }
        if (verdict == CLIENT_FAILED) {
            throw ChatError.tooManyRequests(device.isPresent() ? "Too many failed logins from this device, try again later"
                    : "Too many failed logins for this user from unrecognised browsers; try again later or use a browser you logged in with before",
                    waitSeconds);
        }
        if (verdict == ADDRESS_FAILED) { // this user failed before, and so did many logins from the address: not the user's doing alone
            throw ChatError.tooManyRequests("Too many failed logins from your network; try again later or use a browser you logged in with before",
                    waitSeconds);
        }
        return attempt;
    }

    /** The password was wrong: the attempt stays a failure, and counts against the address. */
    public void failed(Attempt attempt) {
        script().eval(attempt.failuresKey(), RScript.Mode.READ_WRITE, FAILED, RScript.ReturnType.LONG,
                List.of(attempt.failuresKey(), RedisKeys.loginFailuresOfAddress(attempt.address())),
                String.valueOf(settings.loginFailureWindow().toMillis()), attempt.id());
    }

    /** The password was right (or never checked): the attempt is no failure. Resets nothing else. */
    public void succeeded(Attempt attempt) {
        redis.getScoredSortedSet(attempt.failuresKey(), StringCodec.INSTANCE).remove("?" + attempt.id());
    }

    /** Counts a registration from the address; 429 when the hourly allowance is used up. */
    public void checkRegistration(String address) {
        var counter = redis.getAtomicLong(RedisKeys.registrationsOfAddress(address));
        if (counter.get() >= settings.registrationsPerHour()) {
            long ttl = counter.remainTimeToLive();
            throw ChatError.tooManyRequests("Too many new users from your address", ttl > 0 ? (ttl + 999) / 1000 : 60);
        }
        if (counter.incrementAndGet() == 1) {
            counter.expire(Duration.ofHours(1));
        }
    }

    private RScript script() {
        return redis.getScript(StringCodec.INSTANCE);
    }
}
