package chat.sessions;

import chat.config.Settings;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Login sessions in Redis, so every node honours every session. The cookie carries a random
 * token; Redis holds only its SHA-256, so a copy of the database opens no sessions. A session
 * lives until it is unused for the configured idle timeout.
 */
@ApplicationScoped
public class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Event<SessionEnded> ended;

    /** Starts a session for the user and returns the token for its cookie. */
    public String start(String userId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        bucket(keyOf(token)).set(userId, idleTimeout());
        return token;
    }

    /** The live session behind a cookie token; using it restarts its idle clock. */
    public Optional<LoginSession> find(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String key = keyOf(token);
        String userId = bucket(key).getAndExpire(idleTimeout());
        return Optional.ofNullable(userId).map(id -> new LoginSession(key, id));
    }

    /** Restarts the session's idle clock (a user chatting over a socket is not idle). */
    public void touch(String sessionKey) {
        bucket(sessionKey).expire(idleTimeout());
    }

    /** Which of these sessions have ended (logged out or expired). */
    public java.util.Set<String> ended(java.util.Collection<String> sessionKeys) {
        var batch = redis.createBatch();
        var checks = new java.util.LinkedHashMap<String, org.redisson.api.RFuture<Boolean>>();
        for (String key : sessionKeys) {
            checks.put(key, batch.getBucket(RedisKeys.session(key), StringCodec.INSTANCE).isExistsAsync());
        }
        batch.execute();
        var ended = new java.util.HashSet<String>();
        checks.forEach((key, exists) -> {
            if (!exists.toCompletableFuture().join()) {
                ended.add(key);
            }
        });
        return ended;
    }

    /** Ends the session on every node: its sockets close wherever they are. */
    public void end(LoginSession session) {
        bucket(session.key()).delete();
        ended.fire(new SessionEnded(session.key(), session.userId()));
    }

    public Duration idleTimeout() {
        return settings.sessionIdleTimeout();
    }

    private RBucket<String> bucket(String key) {
        return redis.getBucket(RedisKeys.session(key), StringCodec.INSTANCE);
    }

    static String keyOf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
