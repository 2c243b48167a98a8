package chat.sessions;

import chat.config.Settings;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RFuture;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Login sessions in Redis, so every node honours every session. The cookie carries a random
 * token; Redis holds only its SHA-256, so a copy of the database opens no sessions. A session
 * ends when unused for the idle timeout, and at the latest its lifetime after the login
 * ({@code <user id>@<login epoch second>} is stored). Each user's sessions are indexed, so a
 * login beyond the per-user cap ends the oldest and a user can end all the others.
 */
@ApplicationScoped
public class Sessions {

    private static final Logger LOG = Logger.getLogger(Sessions.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Event<SessionEnded> ended;

    Clock clock = Clock.systemUTC();

    /**
     * Starts a session for the user on credentials checked a moment ago, and returns the token for its cookie,
     * unless they no longer hold once the session is in the user's index: a password change between the check and
     * the start ended only the sessions it found, and one started on the old password after that lived on (5 of 5
     * tries from outside). Compared after the start, a change either finds this session or is seen here.
     */
    public Optional<String> startIf(String userId, BooleanSupplier credentialsHold) {
        String token = start(userId);
        if (credentialsHold.getAsBoolean()) {
            return Optional.of(token);
        }
        end(new LoginSession(keyOf(token), userId));
        return Optional.empty();
    }

    /** Starts a session for the user and returns the token for its cookie; ends their oldest beyond the cap. */
    private String start(String userId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String key = keyOf(token);
        long now = clock.instant().getEpochSecond();
        bucket(key).set(userId + "@" + now, min(idleTimeout(), settings.sessionLifetime()));
        RScoredSortedSet<String> mine = sessionsOf(userId);
        mine.add(clock.millis(), key); // by the millisecond: the oldest of logins in one second is known
        mine.expire(settings.sessionLifetime());
        mine.removeAll(ended(mine.readAll()));
        int excess = mine.size() - settings.sessionsPerUser();
        if (excess > 0) {
            // ZPOPMIN: concurrent logins each take different old sessions, never the same twice
            mine.pollFirst(excess).forEach(old -> end(new LoginSession(old, userId)));
        }
        return token;
    }

    /**
     * The live session behind a request's session cookies. The server sets one; more were planted
     * (by a page on another port of the same host, over plain HTTP), and the browser sends a planted
     * one with a longer path first. Dead or malformed tokens are ignored, so garbage planted there
     * locks no one out. Two live sessions are not told apart: either may be the planter's, and
     * using it would post the victim's words under the planter's name (found from outside). Both
     * end, so the browser is asked to sign in, and after that only its own session lives.
     */
    public Optional<LoginSession> find(List<String> tokens) {
        List<String> wellFormed = tokens.stream().filter(token -> token != null && TOKEN.matcher(token).matches()).distinct().toList();
        if (wellFormed.size() < 2) {
            return find(wellFormed.isEmpty() ? null : wellFormed.get(0));
        }
        // In one round trip: a request's header holds up to ~140 such cookies, and each is a lookup.
        RBatch batch = redis.createBatch();
        Map<String, RFuture<String>> values = new LinkedHashMap<>();
        for (String token : wellFormed) {
            String key = keyOf(token);
            values.put(key, batch.<String>getBucket(RedisKeys.session(key), StringCodec.INSTANCE).getAndExpireAsync(idleTimeout()));
        }
        batch.execute();
        List<LoginSession> live = new ArrayList<>();
        values.forEach((key, value) -> Optional.ofNullable(value.toCompletableFuture().join())
                .flatMap(found -> alive(key, found)).ifPresent(live::add));
        if (live.size() == 1) {
            return Optional.of(live.get(0));
        }
        if (!live.isEmpty()) {
            LOG.warning(() -> "A request carried the cookies of " + live.size()
                    + " live sessions (cookies planted from another port of this host?): all of them ended");
            live.forEach(this::end);
        }
        return Optional.empty();
    }

    /** The live session behind a cookie token; using it restarts its idle clock. */
    public Optional<LoginSession> find(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String key = keyOf(token);
        String value = bucket(key).getAndExpire(idleTimeout());
        return value == null ? Optional.empty() : alive(key, value);
    }

    /** Restarts the session's idle clock (a user chatting over a socket is not idle). */
    public void touch(String sessionKey) {
        String value = bucket(sessionKey).getAndExpire(idleTimeout());
        if (value != null) {
            alive(sessionKey, value);
        }
    }

    /** Which of these sessions have ended (logged out or expired). */
    public Set<String> ended(Collection<String> sessionKeys) {
        var batch = redis.createBatch();
        Map<String, RFuture<Boolean>> checks = new LinkedHashMap<>();
        for (String key : sessionKeys) {
            checks.put(key, batch.getBucket(RedisKeys.session(key), StringCodec.INSTANCE).isExistsAsync());
        }
        batch.execute();
        Set<String> gone = new HashSet<>();
        checks.forEach((key, exists) -> {
            if (!exists.toCompletableFuture().join()) {
                gone.add(key);
            }
        });
        return gone;
    }

    /** Whether the session has ended, asked without waiting for Redis's answer. */
    public CompletionStage<Boolean> hasEnded(String sessionKey) {
        return bucket(sessionKey).isExistsAsync().thenApply(exists -> !exists);
    }

    /** Ends the session on every node: its sockets close wherever they are. */
    public void end(LoginSession session) {
        bucket(session.key()).delete();
        sessionsOf(session.userId()).remove(session.key());
        ended.fire(new SessionEnded(session.key(), session.userId()));
    }

    /** Ends every other session of the session's user (their sockets close too); how many there were. */
    public int endOthers(LoginSession current) {
        int count = 0;
        for (String key : sessionsOf(current.userId()).readAll()) {
            if (!key.equals(current.key())) {
                boolean wasLive = bucket(key).isExists();
                end(new LoginSession(key, current.userId()));
                count += wasLive ? 1 : 0;
            }
        }
        return count;
    }

    public Duration idleTimeout() {
        return settings.sessionIdleTimeout();
    }

    /** How long the cookie of a new session lives: its lifetime (the server ends it earlier when idle). */
    public Duration cookieMaxAge() {
        return settings.sessionLifetime();
    }

    /** The session unless its lifetime is over; its idle clock never runs past the lifetime's end. */
    private Optional<LoginSession> alive(String key, String value) {
        int at = value.lastIndexOf('@');
        String userId = at < 0 ? value : value.substring(0, at);
        LoginSession session = new LoginSession(key, userId);
        if (at >= 0) {
            long started = Long.parseLong(value.substring(at + 1));
            Duration left = Duration.ofSeconds(started + settings.sessionLifetime().toSeconds() - clock.instant().getEpochSecond());
            if (left.isNegative() || left.isZero()) {
                end(session);
                return Optional.empty();
            }
            if (left.compareTo(idleTimeout()) < 0) {
                bucket(key).expire(left);
            }
        }
        return Optional.of(session);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private RBucket<String> bucket(String key) {
        return redis.getBucket(RedisKeys.session(key), StringCodec.INSTANCE);
    }

    private RScoredSortedSet<String> sessionsOf(String userId) {
        return redis.getScoredSortedSet(RedisKeys.sessionsOfUser(userId), StringCodec.INSTANCE);
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
