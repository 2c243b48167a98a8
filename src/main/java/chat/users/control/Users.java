package chat.users.control;

import chat.directory.control.Directory;
import chat.redis.RedisKeys;
import chat.users.entity.User;
import chat.users.entity.UserStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
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

    @Inject
    RedissonClient redis;

    @Inject
    Directory directory;

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

    public Optional<String> passwordHash(String id) {
        return Optional.ofNullable(hash(id).get("password"));
    }

    /**
     * Registers a new name. When another request registers the same name at the same moment,
     * the loser gets empty and should treat the name as existing.
     */
    public Optional<User> register(String username, String passwordHash) {
        String id = String.valueOf(redis.getAtomicLong(RedisKeys.TOTAL_USERS).incrementAndGet());
        // The hash first, then the name: whoever finds the name also finds the user.
        hash(id).putAll(Map.of("username", username, "password", passwordHash));
        boolean claimed = redis.getBucket(RedisKeys.usernameToUser(username), StringCodec.INSTANCE)
                .setIfAbsent(RedisKeys.user(id));
        if (!claimed) {
            hash(id).delete();
            return Optional.empty();
        }
        redis.getSet(RedisKeys.userRooms(id), StringCodec.INSTANCE).add(RedisKeys.GENERAL_ROOM_ID);
        directory.add(id, username);
        return Optional.of(new User(id, username));
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
