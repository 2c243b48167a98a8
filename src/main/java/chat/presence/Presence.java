package chat.presence;

import chat.config.AppThreads;
import chat.config.Settings;
import chat.redis.RedisKeys;
import chat.users.control.Users;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Who is online, across nodes and tabs. Each node keeps in Redis how many sockets of which user
 * it holds (a hash per node) under a lease it renews; a total per user says whether the user is
 * online anywhere. A node whose lease lapses (it died without a goodbye) is reaped by the others:
 * its counts are subtracted and its users, if that was their last socket, go offline. All
 * presence keys share one hash tag, so each step is one atomic script even on a Redis Cluster;
 * the seed's {@code online_users} set follows the totals: a step that takes a total to or from zero
 * marks the user as settling in the same script, and a node that dies before {@code online_users}
 * follows leaves the mark for the others' heartbeats.
 */
@ApplicationScoped
public class Presence {

    private static final Logger LOG = Logger.getLogger(Presence.class.getName());

    // KEYS: totals, the user's handshakes under way. ARGV: user, limit, handshake id, how long a handshake may hold
    // its place (ms). Returns 1 and holds a place for the handshake when the user's sockets on all nodes and their
    // handshakes under way stay below the limit, else 0. Reading the total alone let a burst of one user's
    // handshakes all pass while the first of them had yet to be counted (57 sockets opened with 20 allowed).
    private static final String RESERVE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') + redis.call('ZCARD', KEYS[2])
            if held >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 1
            """;
    /** Marks users whose total went to or from zero as settling (scripts that change totals call it). */
    private static final String SETTLING = """
            local function settling(users)
              if #users == 0 then return end
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              for _, user in ipairs(users) do redis.call('ZADD', KEYS[5], now, user) end
            end
            """;
    // KEYS: totals, node hash, lease, nodes, settling, the user's handshakes under way. ARGV: user, serverId, lease ms,
    // the socket's handshake id. Returns the user's new total; the handshake's place becomes the socket it opened.
    private static final String CONNECT = SETTLING + """
            redis.call('ZREM', KEYS[6], ARGV[4])
            redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            redis.call('SADD', KEYS[4], ARGV[2])
            if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SET', KEYS[3], '1', 'PX', ARGV[3]) end
            local total = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            if total == 1 then settling({ARGV[1]}) end
            return total
            """;
    // KEYS: totals, node hash, lease, nodes, settling. ARGV: user, serverId. Returns the user's new total, or -1 when this
    // node held no socket of the user.
    private static final String DISCONNECT = SETTLING + """
            local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
            if mine <= 0 then return -1 end
            if mine == 1 then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
            local total = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) settling({ARGV[1]}) return 0 end
            return total
            """;
    // KEYS: lease, nodes, node hash. ARGV: serverId, lease ms. Returns 1 if the lease was alive or the
    // node's entry still stands, 0 if it was reaped (or Redis lost it) and must be rebuilt.
    private static final String RENEW = """
            local alive = redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[1])
            if alive then return 1 else return 0 end
            """;
    // KEYS: totals, node hash, lease, nodes, settling. ARGV: serverId, then user, count pairs: this node's whole truth.
    // Returns the users whose total went from zero to positive (+id) or from positive to zero (-id).
    private static final String REPLACE = SETTLING + """
            local changed = {}
            local old = redis.call('HGETALL', KEYS[2])
            local before = {}
            for i = 1, #old, 2 do before[old[i]] = tonumber(old[i + 1]) end
            local after = {}
            for i = 2, #ARGV, 2 do after[ARGV[i]] = tonumber(ARGV[i + 1]) end
            redis.call('DEL', KEYS[2])
            for user, n in pairs(before) do
              local delta = (after[user] or 0) - n
              if delta ~= 0 then
                local total = redis.call('HINCRBY', KEYS[1], user, delta)
                if total <= 0 then redis.call('HDEL', KEYS[1], user) table.insert(changed, '-' .. user) end
              end
            end
            for user, n in pairs(after) do
              if before[user] == nil then
                local total = redis.call('HINCRBY', KEYS[1], user, n)
                if total == n then table.insert(changed, '+' .. user) end
              end
              redis.call('HSET', KEYS[2], user, n)
            end
            local users = {}
            for i, c in ipairs(changed) do users[i] = string.sub(c, 2) end
            settling(users)
            return changed
            """;
    // KEYS: totals, node hash, lease, nodes, settling. ARGV: the other node's serverId. Reaps only a lapsed lease.
    private static final String REAP = SETTLING + """
            if redis.call('EXISTS', KEYS[3]) == 1 then return {} end
            local gone = {}
            local old = redis.call('HGETALL', KEYS[2])
            for i = 1, #old, 2 do
              local total = redis.call('HINCRBY', KEYS[1], old[i], -tonumber(old[i + 1]))
              if total <= 0 then redis.call('HDEL', KEYS[1], old[i]) table.insert(gone, old[i]) end
            end
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[4], ARGV[1])
            settling(gone)
            return gone
            """;
    // KEYS: settling. ARGV: how long a live node may take to make online_users follow what it marked (ms). The users
    // marked longer ago than that (by Redis's clock, which marked them), at most 1000 at a time.
    private static final String LEFT_BEHIND = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, 1000)
            """;
    /** Far longer than a live node takes from a presence script to {@code online_users} following it. */
    private static final long SETTLE_WITHIN_MILLIS = 10_000;

    /** Longer than any handshake takes from the filter to the endpoint; only a node dying in between leaves a place held this long. */
    static final long HANDSHAKE_HOLD_MILLIS = 30_000;

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Users users;

    @Inject
    Event<PresenceChange> changes;

    /** Users whose presence update failed: repaired at the next heartbeat ({@link #settleUnsure}). */
    private final Set<String> unsure = ConcurrentHashMap.newKeySet();
    /** Seed servers' presence events, in the order they came, off the relay's thread (each looks at Redis). */
    private ExecutorService seedEvents;

    @PostConstruct
    void start() {
        seedEvents = Executors.newSingleThreadExecutor(task -> AppThreads.daemon("chat-presence-seed-events", task));
    }

    @PreDestroy
    void stop() {
        seedEvents.shutdownNow();
    }

    /**
     * A seed server's presence event about the user; {@code deliver} hands it to this node's sockets. A seed server takes
     * a user out of {@code online_users} when its own socket of the user closes, whatever sockets the user holds on our
     * nodes: such a user showed offline everywhere while a socket here stayed open (found from outside). For a user with
     * sockets on our nodes its "went offline" is not delivered; the user is put back and announced online again, to the
     * seed's sockets too. One thread takes them in order, so that a seed user's "online" right after is not overtaken.
     */
    public void seedServerSaid(String userId, boolean online, Runnable deliver) {
        seedEvents.execute(() -> {
            try {
                if (!online && socketsOf(userId) > 0) {
                    if (!online().contains(userId)) {
                        cameOnline(userId);
                    }
                    return;
                }
            } catch (RuntimeException e) {
                LOG.fine(() -> "Sockets of user " + userId + " not looked up; the seed server's event is delivered as it came: " + e);
            }
            deliver.run();
        });
    }

    /**
     * A place for one more socket of the user, all nodes together, held for its handshake until
     * {@link #connected} or {@link #release} (or for {@link #HANDSHAKE_HOLD_MILLIS}, should its node die in between).
     *
     * @return the handshake's id, or empty when the user's sockets and handshakes under way reach {@code limit}
     */
    public Optional<String> reserve(String userId, int limit) {
        String handshake = UUID.randomUUID().toString();
        long held = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, RESERVE, RScript.ReturnType.LONG,
                List.of(RedisKeys.PRESENCE_TOTALS, RedisKeys.presenceOpening(userId)), userId, String.valueOf(limit), handshake,
                String.valueOf(HANDSHAKE_HOLD_MILLIS));
        return held == 1 ? Optional.of(handshake) : Optional.empty();
    }

    /** Gives up a place {@link #reserve} held for a handshake that opened no socket; where Redis is away, it lapses. */
    public void release(String userId, String handshake) {
        try {
            redis.getScoredSortedSet(RedisKeys.presenceOpening(userId), StringCodec.INSTANCE).remove(handshake);
        } catch (RuntimeException e) {
            LOG.fine(() -> "Handshake place of user " + userId + " not released (it lapses): " + e);
        }
    }

    /** The socket of the handshake that {@link #reserve} held a place for is open. */
    public void connected(String userId, String handshake) {
        List<Object> keys = new ArrayList<>(keys(settings.serverId()));
        keys.add(RedisKeys.presenceOpening(userId));
        updating(userId, () -> {
            long total = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, CONNECT, RScript.ReturnType.LONG,
                    keys, userId, settings.serverId(), leaseMillis(), handshake);
            if (total == 1) {
                cameOnline(userId);
            }
        });
    }

    public void disconnected(String userId) {
        updating(userId, () -> {
            long total = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, DISCONNECT, RScript.ReturnType.LONG,
                    keys(settings.serverId()), userId, settings.serverId(), leaseMillis());
            if (total == 0) {
                wentOffline(userId);
            }
        });
    }

    /** Runs a user's presence update; one that fails leaves the user to {@link #settleUnsure} (and is thrown on). */
    private void updating(String userId, Runnable update) {
        try {
            update.run();
        } catch (RuntimeException e) {
            unsure.add(userId);
            throw e;
        }
    }

    /** The user's open sockets on all nodes. */
    public long socketsOf(String userId) {
        String total = redis.<String, String>getMap(RedisKeys.PRESENCE_TOTALS, StringCodec.INSTANCE).get(userId);
        return total == null ? 0 : Long.parseLong(total);
    }

    /**
     * Renews this node's lease, rebuilds its entry from {@code localCounts} (sockets per user held
     * by this node) if it was lost or an update failed, and reaps nodes whose lease lapsed.
     */
    public void heartbeat(Supplier<Map<String, Integer>> localCounts) {
        String me = settings.serverId();
        long alive = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG,
                List.of(RedisKeys.presenceLease(me), RedisKeys.PRESENCE_NODES, RedisKeys.presenceNode(me)), me, leaseMillis());
        if (alive == 0) {
            Map<String, Integer> counts = localCounts.get();
            if (!counts.isEmpty()) {
                LOG.warning("This node's presence entry was lost (lease lapsed or Redis restarted): rebuilding it");
                replaceWith(counts);
            }
        }
        if (!unsure.isEmpty()) {
            settleUnsure(localCounts.get());
        }
        for (String node : redis.<String>getSet(RedisKeys.PRESENCE_NODES, StringCodec.INSTANCE).readAll()) {
            if (!node.equals(me)) {
                List<Object> gone = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, REAP,
                        RScript.ReturnType.LIST, keys(node), node);
                if (!gone.isEmpty()) {
                    LOG.info(() -> "Reaped node " + node + " (lease lapsed); offline now: " + gone);
                }
                gone.forEach(user -> wentOffline(user.toString()));
            }
        }
        settleLeftBehind();
    }

    /**
     * Users whose total went to or from zero while {@code online_users} did not follow: the node that changed the total
     * died before it could (a SIGKILL while it closed its sockets left users online for good; found from outside).
     */
    private void settleLeftBehind() {
        List<Object> users = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, LEFT_BEHIND, RScript.ReturnType.LIST,
                List.of(RedisKeys.PRESENCE_SETTLING), String.valueOf(SETTLE_WITHIN_MILLIS));
        if (!users.isEmpty()) {
            users.forEach(user -> follow(user.toString()));
            LOG.info(() -> "Presence settled for users a node left unsettled: " + users);
        }
    }

    /** Makes {@code online_users} follow the user's total. */
    private void follow(String userId) {
        boolean listed = online().contains(userId);
        long total = socketsOf(userId);
        if (total > 0 && !listed) {
            cameOnline(userId);
        } else if (total == 0 && listed) {
            wentOffline(userId);
        } else {
            settled(userId);
        }
    }

    /**
     * After updates that failed: whether they reached Redis is unknown (a reply lost to a paused Redis, or nothing sent).
     * Unrepaired, a user whose last socket closed then stayed online for good (from outside: a socket closed during a
     * 2.5 s {@code SIGSTOP} of Redis). This node's entry is replaced by what it holds, and each such user's place in
     * {@code online_users} made to follow the total (the update's script may have run, its announcement not).
     * A socket opening or closing in the instant of the repair may leave its user's count one off, as a rebuild can.
     */
    private void settleUnsure(Map<String, Integer> counts) {
        List<String> users = List.copyOf(unsure);
        replaceWith(counts);
        for (String userId : users) {
            follow(userId);
            unsure.remove(userId);
        }
        LOG.info(() -> "Presence repaired after updates that failed, for users " + users);
    }

    /** Replaces this node's entry by the given socket counts (empty: this node holds nothing, e.g. at start and stop). */
    public void replaceWith(Map<String, Integer> counts) {
        List<Object> args = new ArrayList<>();
        args.add(settings.serverId());
        counts.forEach((user, n) -> {
            args.add(user);
            args.add(String.valueOf(n));
        });
        List<Object> changed = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, REPLACE,
                RScript.ReturnType.LIST, keys(settings.serverId()), args.toArray());
        for (Object change : changed) {
            String c = change.toString();
            if (c.startsWith("+")) {
                cameOnline(c.substring(1));
            } else {
                wentOffline(c.substring(1));
            }
        }
    }

    public void leave() {
        replaceWith(Map.of());
        redis.getBucket(RedisKeys.presenceLease(settings.serverId()), StringCodec.INSTANCE).delete();
        redis.getSet(RedisKeys.PRESENCE_NODES, StringCodec.INSTANCE).remove(settings.serverId());
    }

    private void cameOnline(String userId) {
        online().add(userId);
        settled(userId);
        announce(userId, true);
    }

    private void wentOffline(String userId) {
        online().remove(userId);
        // A socket may have opened elsewhere between our count reaching zero and the removal.
        if (socketsOf(userId) > 0) {
            online().add(userId);
            settled(userId);
            return;
        }
        settled(userId);
        announce(userId, false);
    }

    /** {@code online_users} follows the user's total again. */
    private void settled(String userId) {
        redis.getScoredSortedSet(RedisKeys.PRESENCE_SETTLING, StringCodec.INSTANCE).remove(userId);
    }

    private void announce(String userId, boolean online) {
        users.byId(userId).ifPresent(user -> changes.fire(new PresenceChange(user, online)));
    }

    private RSet<String> online() {
        return redis.getSet(RedisKeys.ONLINE_USERS, StringCodec.INSTANCE);
    }

    private long leaseMillis() {
        return settings.presenceLease().toMillis();
    }

    private static List<Object> keys(String serverId) {
        return List.of(RedisKeys.PRESENCE_TOTALS, RedisKeys.presenceNode(serverId), RedisKeys.presenceLease(serverId),
                RedisKeys.PRESENCE_NODES, RedisKeys.PRESENCE_SETTLING);
    }
}
