package chat.users.control;

import chat.directory.control.Directory;
import chat.api.ChatError;
import chat.redis.LookAlikeIndex;
import chat.redis.RedisKeys;
import chat.text.NameFolding;
import chat.users.entity.Credentials;
import chat.users.entity.User;
import chat.users.entity.UserStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RFuture;
import org.redisson.api.RMap;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Users in the seed's layout: {@code username:{name}} → {@code user:{id}}, hash {@code user:{id}}. */
@ApplicationScoped
public class Users {

    private static final Logger LOG = Logger.getLogger(Users.class.getName());
    /** The seed's keys of a user: its hash and its rooms. */
    private static final Pattern USER_KEY = Pattern.compile("user:([0-9]+)(?::rooms)?");
    private static final Pattern SESSIONS_KEY = Pattern.compile(Pattern.quote(RedisKeys.sessionsOfUser("")) + "([0-9]+)");
    /** A direct messages room's messages: {@code room:<smaller id>:<larger id>}. */
    private static final Pattern DIRECT_ROOM_KEY = Pattern.compile("room:([0-9]+):([0-9]+)");
    /** KEYS[1] the user counter; ARGV[1] the least it may hold. */
    private static final String AT_LEAST = """
            if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
            return 1
            """;
    /** KEYS[1] the new user's hash, written only if no user has it. ARGV[1] name, ARGV[2] password hash. */
    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'username', ARGV[1], 'password', ARGV[2])
            return 1
            """;

    /**
     * Users registered since the last look, by this server or by the seed's (which knows no keys):
     * user ids count up from 1, so the new ones are known. All existing users keep their exact names.
     */
    private static final LookAlikeIndex USERS_SINCE_LAST_LOOK = new LookAlikeIndex(RedisKeys.USER_LOOK_ALIKES_INDEXED_UP_TO) {
        @Override
        protected RFuture<String> name(RBatch batch, long n) {
            return batch.<String, String>getMap(RedisKeys.user(String.valueOf(n)), StringCodec.INSTANCE).getAsync("username");
        }

        @Override
        protected void claimIfFree(RBatch batch, String key, long n) {
            batch.getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE).setIfAbsentAsync(String.valueOf(n));
        }
    };

    @Inject
    RedissonClient redis;

    @Inject
    Directory directory;

    /**
     * Whether anyone was ever registered in this Redis: the seed's user counter exists. The counter
     * can be lost alone while the users stay (evicted by a {@code maxmemory-policy} other than
     * {@code noeviction}, a shard of a cluster that lost its data): then it is set again from the
     * users' keys. Before, the counter's absence alone meant an empty Redis: the demo data was
     * written again over the users (the demo users' hashes deleted for good), and the next accounts
     * registered took the ids of existing ones, their rooms, history and live sessions (found from outside).
     */
    public boolean anyRegistered() {
        return redis.getBucket(RedisKeys.TOTAL_USERS, StringCodec.INSTANCE).isExists() || restoreCounter();
    }

    /**
     * Sets the user counter to at least the highest id any key still names; whether there was any.
     * Not only the users' hashes: an id whose hash is gone but whose name, rooms, sessions or direct
     * messages remain was handed out again, and its newcomer got that user's history and live sessions
     * (found from outside). A full SCAN, for repairs only.
     */
    private boolean restoreCounter() {
        long highest = Math.max(highestIn("user:*", USER_KEY), highestIn(RedisKeys.sessionsOfUser("*"), SESSIONS_KEY));
        highest = Math.max(highest, highestIn("room:*", DIRECT_ROOM_KEY));
        RBatch names = redis.createBatch();
        List<RFuture<String>> owners = new ArrayList<>();
        for (String key : redis.getKeys().getKeys(KeysScanOptions.defaults().pattern("username:*").chunkSize(1000))) {
            owners.add(names.<String>getBucket(key, StringCodec.INSTANCE).getAsync());
        }
        if (!owners.isEmpty()) {
            names.execute();
        }
        for (RFuture<String> owner : owners) {
            Matcher user = USER_KEY.matcher(String.valueOf(owner.toCompletableFuture().join()));
            if (user.matches()) {
                highest = Math.max(highest, asId(user.group(1)));
            }
        }
        if (highest == 0) {
            return false;
        }
        long restored = highest;
        redis.getScript(StringCodec.INSTANCE).eval(RedisKeys.TOTAL_USERS, RScript.Mode.READ_WRITE, AT_LEAST, RScript.ReturnType.LONG,
                List.of(RedisKeys.TOTAL_USERS), String.valueOf(restored));
        LOG.warning(() -> "The user counter (" + RedisKeys.TOTAL_USERS + ") was gone or behind while users were not: set to at least "
                + restored + ". Redis may be evicting keys: give it maxmemory-policy noeviction (docs/OPERATIONS.md)");
        return true;
    }

    /**
     * Whether the demo users are in place: someone was registered and no node is writing the demo
     * data right now (it registers the demo users one by one, so a name taken in between could be one of theirs).
     */
    public boolean demoUsersInPlace() {
        return anyRegistered() && !redis.getBucket(RedisKeys.SEEDING_LOCK, StringCodec.INSTANCE).isExists();
    }

    public Optional<String> idOf(String username) {
        String ref = redis.<String>getBucket(RedisKeys.usernameToUser(username), StringCodec.INSTANCE).get();
        if (ref == null) {
            return Optional.empty();
        }
        // The seed writes "user:{id}"; accept a bare id too.
        return Optional.of(ref.startsWith("user:") ? ref.substring(5) : ref);
    }

    /**
     * The user of that name, or else the one user whose name differs from it only in case or accents
     * ("joe" finds Joe), as signing in finds them; empty when there is none, or more than one.
     */
    public Optional<String> idOfFolded(String username) {
        return idOf(username).or(() -> {
            var alike = directory.sameFoldedName(username);
            return alike.size() == 1 ? Optional.of(alike.get(0).id()) : Optional.empty();
        });
    }

    public Optional<User> byId(String id) {
        String name = hash(id).get("username");
        return name == null ? Optional.empty() : Optional.of(new User(id, name));
    }

    public boolean exists(String id) {
        return isId(id) && hash(id).isExists();
    }

    /** The user and their password's hash in one read; empty when there is no such user. */
    public Optional<Credentials> credentials(String id) {
        Map<String, String> fields = hash(id).getAll(Set.of("username", "password"));
        String name = fields.get("username");
        return name == null ? Optional.empty() : Optional.of(new Credentials(new User(id, name), fields.get("password")));
    }

    /**
     * Registers a new name. When another request registers the same name at the same moment,
     * the loser gets empty and should treat the name as existing; a name that looks like another
     * user's (shares one of its {@link NameFolding#lookAlikeKeys}) is refused with 409.
     */
    public Optional<User> register(String username, String passwordHash) {
        USERS_SINCE_LAST_LOOK.catchUp(redis, redis.getAtomicLong(RedisKeys.TOTAL_USERS).get());
        Set<String> keys = NameFolding.lookAlikeKeys(username);
        keys.forEach(key -> refuseLookAlike(username, key));
        String mixing = Usernames.problemMixingScripts(username);
        if (mixing != null) {
            throw ChatError.badRequest(mixing);
        }
        // The hash first, then the names: whoever finds a name also finds the user.
        String id = created(username, passwordHash);
        List<RBucket<String>> claims = new ArrayList<>();
        for (String key : keys) {
            RBucket<String> claim = redis.getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE);
            if (!claim.setIfAbsent(id) && !claimedFor(claim, id)) {
                claims.forEach(mine -> mine.compareAndSet(id, null));
                hash(id).delete();
                refuseLookAlike(username, key);
                return Optional.empty(); // the same name, registered a moment ago
            }
            claims.add(claim);
        }
        boolean claimed = redis.getBucket(RedisKeys.usernameToUser(username), StringCodec.INSTANCE)
                .setIfAbsent(RedisKeys.user(id));
        if (!claimed) { // written by a seed server meanwhile
            claims.forEach(mine -> mine.compareAndSet(id, null));
            hash(id).delete();
            return Optional.empty();
        }
        redis.getSet(RedisKeys.userRooms(id), StringCodec.INSTANCE).add(RedisKeys.GENERAL_ROOM_ID);
        directory.add(id, username);
        return Optional.of(new User(id, username));
    }

    /** The highest id that the keys matching {@code pattern} name in {@code id}'s groups (0: none). */
    private long highestIn(String pattern, Pattern id) {
        long highest = 0;
        for (String key : redis.getKeys().getKeys(KeysScanOptions.defaults().pattern(pattern).chunkSize(1000))) {
            Matcher named = id.matcher(key);
            if (named.matches()) {
                for (int group = 1; group <= named.groupCount(); group++) {
                    highest = Math.max(highest, asId(named.group(group)));
                }
            }
        }
        return highest;
    }

    /** A user id from the digits a key holds; 0 (none) for more than a long holds, which no counter reached. */
    private static long asId(String digits) {
        return digits == null || digits.length() > 18 ? 0 : Long.parseLong(digits);
    }

    /**
     * Writes the new user's hash under the counter's next id, never over another user's: a counter
     * that fell behind (see {@link #anyRegistered}) is set again from the users' keys first.
     */
    private String created(String username, String passwordHash) {
        for (int attempt = 0; attempt < 5; attempt++) {
            String id = String.valueOf(redis.getAtomicLong(RedisKeys.TOTAL_USERS).incrementAndGet());
            if (!leftBehind(id)) {
                Long written = redis.getScript(StringCodec.INSTANCE).eval(RedisKeys.user(id), RScript.Mode.READ_WRITE, CREATE,
                        RScript.ReturnType.LONG, List.of(RedisKeys.user(id)), username, passwordHash);
                if (written == 1) {
                    return id;
                }
            }
            restoreCounter();
        }
        throw ChatError.unavailable("The chat could not number a new user; try again in a moment", 1);
    }

    /** Whether an earlier user of this id left rooms or sessions (its hash gone): not to be inherited. Apart, for a Redis Cluster's slots. */
    private boolean leftBehind(String id) {
        RBatch batch = redis.createBatch();
        RFuture<Boolean> rooms = batch.getBucket(RedisKeys.userRooms(id), StringCodec.INSTANCE).isExistsAsync();
        RFuture<Boolean> sessions = batch.getBucket(RedisKeys.sessionsOfUser(id), StringCodec.INSTANCE).isExistsAsync();
        batch.execute();
        return rooms.toCompletableFuture().join() || sessions.toCompletableFuture().join();
    }

    public void changePassword(String id, String passwordHash) {
        hash(id).fastPut("password", passwordHash);
    }

    /**
     * Whether a key that was not free is this registration's after all: another request's
     * {@link #USERS_SINCE_LAST_LOOK} may have claimed it for the new user already (its hash is written
     * first), or it is held by a registration that gave up (its user is gone), which it takes over.
     */
    private boolean claimedFor(RBucket<String> claim, String id) {
        String holder = claim.get();
        return id.equals(holder) || (holder != null && hash(holder).get("username") == null && claim.compareAndSet(holder, id));
    }

    /** 409 when another user's name has this look-alike key. */
    private void refuseLookAlike(String username, String key) {
        Optional<String> other = holderOf(username, key);
        if (other.isPresent()) {
            throw new ChatError(409, "This name looks like an existing user's name, " + other.get() + "'s: sign in as "
                    + other.get() + ", or choose another");
        }
    }

    /** The name of another user that {@code username} looks like (shares a look-alike key with), if any. */
    public Optional<String> lookAlikeOf(String username) {
        return NameFolding.lookAlikeKeys(username).stream().map(key -> holderOf(username, key)).flatMap(Optional::stream).findFirst();
    }

    private Optional<String> holderOf(String username, String key) {
        String holder = redis.<String>getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE).get();
        String holderName = holder == null ? null : hash(holder).get("username");
        return holderName != null && !username.equals(holderName) ? Optional.of(holderName) : Optional.empty();
    }

    /** The given users that exist, with their online flag, keyed by id, in the order asked. */
    public Map<String, UserStatus> statuses(Collection<String> ids) {
        List<String> valid = ids.stream().filter(Users::isId).distinct().toList();
        Map<String, UserStatus> result = new LinkedHashMap<>();
        if (valid.isEmpty()) {
            return result;
        }
        RBatch batch = redis.createBatch();
        List<org.redisson.api.RFuture<String>> names = new ArrayList<>();
        for (String id : valid) {
            names.add(batch.<String, String>getMap(RedisKeys.user(id), StringCodec.INSTANCE).getAsync("username"));
        }
        var online = batch.<String>getSet(RedisKeys.ONLINE_USERS, StringCodec.INSTANCE).readAllAsync();
        batch.execute();
        Set<String> onlineIds = online.toCompletableFuture().join();
        for (int i = 0; i < valid.size(); i++) {
            String name = names.get(i).toCompletableFuture().join();
            if (name != null) {
                String id = valid.get(i);
                result.put(id, new UserStatus(id, name, onlineIds.contains(id)));
            }
        }
        return result;
    }

    public Map<String, UserStatus> online() {
        Set<String> ids = redis.<String>getSet(RedisKeys.ONLINE_USERS, StringCodec.INSTANCE).readAll();
        return statuses(ids.stream().sorted(Users::byNumber).toList());
    }

    public static boolean isId(String id) {
        return id != null && id.matches("[0-9]{1,18}");
    }

    private static int byNumber(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private RMap<String, String> hash(String id) {
        return redis.getMap(RedisKeys.user(id), StringCodec.INSTANCE);
    }
}
