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
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Users in the seed's layout: {@code username:{name}} → {@code user:{id}}, hash {@code user:{id}}. */
@ApplicationScoped
public class Users {

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

    /** Whether anyone was ever registered in this Redis (the seed's user counter exists). */
    public boolean anyRegistered() {
        return redis.getBucket(RedisKeys.TOTAL_USERS, StringCodec.INSTANCE).isExists();
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
        String id = String.valueOf(redis.getAtomicLong(RedisKeys.TOTAL_USERS).incrementAndGet());
        // The hash first, then the names: whoever finds a name also finds the user.
        hash(id).putAll(Map.of("username", username, "password", passwordHash));
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
        String holder = redis.<String>getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE).get();
        String holderName = holder == null ? null : hash(holder).get("username");
        if (holderName != null && !username.equals(holderName)) {
            throw new ChatError(409, "This name is taken or looks like an existing user's name; choose another");
        }
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
