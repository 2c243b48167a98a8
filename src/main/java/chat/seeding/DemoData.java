package chat.seeding;

import chat.config.Settings;
import chat.messages.control.MessageHistory;
import chat.redis.RedisKeys;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import chat.users.control.Passwords;
import chat.users.control.Users;
import chat.users.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The seed's demo data, written once into an empty Redis (no {@code total_users}). Nodes that
 * start together take a Redis lock and check again under it, so only one of them writes.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class.getName());
    static final List<String> USERS = List.of("Pablo", "Joe", "Mary", "Alex");
    static final String PASSWORD = "password123";
    private static final List<String> GREETINGS = List.of("Hello!", "Hi there!", "Hey, how are you?", "Good morning!");
    private static final List<String> GENERAL_CHATTER = List.of("Hello everyone!", "Welcome to the General room.",
            "Has anyone seen the new release notes?", "Yes, it looks great.");

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Users users;

    @Inject
    Rooms rooms;

    @Inject
    MessageHistory history;

    /** Seeds if Redis is empty; true when the data is there (written now or before). */
    public boolean seedIfEmpty() {
        if (!settings.seedDemoData()) {
            return true;
        }
        // A plain SET NX lock under our own prefix (Redisson's RLock leaves keys of its own). Taken
        // even when the data looks present: the users' counter appears with the first demo user,
        // so a node that only looked would call itself ready while another one still writes the rest.
        RBucket<String> lock = redis.getBucket(RedisKeys.SEEDING_LOCK, StringCodec.INSTANCE);
        if (!lock.setIfAbsent(settings.serverId(), Duration.ofMinutes(1))) {
            return false; // another node is seeding: look again at the next tick
        }
        try {
            if (!users.anyRegistered()) {
                write();
            }
            return true;
        } finally {
            lock.compareAndSet(settings.serverId(), null);
        }
    }

    /**
     * Wanted but gone: Redis holds no users any more, as after a restart without persistence or a
     * flush. Asked on every tick of a seeded node, so that the demo users come back.
     */
    public boolean missing() {
        return settings.seedDemoData() && !users.anyRegistered();
    }

    private void write() {
        redis.getBucket(RedisKeys.roomName(RedisKeys.GENERAL_ROOM_ID), StringCodec.INSTANCE).set("General");
        List<User> created = new ArrayList<>();
        for (String name : USERS) {
            users.register(name, Passwords.hash(PASSWORD)).ifPresent(created::add);
        }
        for (int i = 0; i < created.size(); i++) {
            for (int j = i + 1; j < created.size(); j++) {
                String roomId = RoomId.privateRoom(created.get(i).id(), created.get(j).id());
                rooms.addToMembers(roomId);
                history.store(created.get(i).id(), roomId, GREETINGS.get((i + j) % GREETINGS.size()));
            }
        }
        for (int i = 0; i < GENERAL_CHATTER.size() && !created.isEmpty(); i++) {
            history.store(created.get(i % created.size()).id(), RedisKeys.GENERAL_ROOM_ID, GENERAL_CHATTER.get(i));
        }
        LOG.info(() -> "Demo data written: users " + USERS + " with password " + PASSWORD);
    }
}
