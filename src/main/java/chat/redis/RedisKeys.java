package chat.redis;

/**
 * Every Redis key and channel name, in one place. The first group is the seed demo's layout
 * and must not change (nodes of the seed's Node.js/Python servers share the same Redis);
 * the second group is this server's own, all under {@link #OWN_PREFIX}.
 */
public final class RedisKeys {

    // --- shared with the seed demo (docs/PROTOCOL.md, "Redis shared with the seed" and "Pub/sub") ---
    public static final String TOTAL_USERS = "total_users";
    public static final String ONLINE_USERS = "online_users";
    public static final String CHANNEL = "MESSAGES";
    public static final String GENERAL_ROOM_ID = "0";

    public static String usernameToUser(String username) {
        return "username:" + username;
    }

    public static String user(String userId) {
        return "user:" + userId;
    }

    public static String userRooms(String userId) {
        return "user:" + userId + ":rooms";
    }

    public static String roomName(String roomId) {
        return "room:" + roomId + ":name";
    }

    public static String room(String roomId) {
        return "room:" + roomId;
    }

    // --- this server's own ---
    public static final String OWN_PREFIX = "chat:";
    public static final String MESSAGE_SEQUENCE = OWN_PREFIX + "message-seq";
    /** The date (Unix seconds) of the newest message the posting script stored: no later one is dated before it. */
    public static final String NEWEST_MESSAGE_DATE = OWN_PREFIX + "message-date";
    /**
     * The message log: a capped stream of every message and {@code show.room} event our nodes
     * posted, in sequence order, that every node follows from its last position (docs/RELIABILITY.md).
     */
    public static final String MESSAGE_LOG = OWN_PREFIX + "message-log";
    /** A random text that changes whenever the message sequence went backwards: part of every client's position. */
    public static final String MESSAGE_EPOCH = OWN_PREFIX + "message-epoch";
    /** Set for a few seconds by the nodes that found Redis without its data ({@code StoreReset}): no one registers meanwhile. */
    public static final String STORE_RESET = OWN_PREFIX + "store-reset";
    /** Read (never written) by the readiness check. */
    public static final String HEALTH_PROBE = OWN_PREFIX + "health";
    public static final String SEEDING_LOCK = OWN_PREFIX + "lock:seeding";
    /** Control events between this server's nodes (the seed does not know them). */
    public static final String CONTROL_CHANNEL = OWN_PREFIX + "control";

    /** Every user by folded name (members {@code <folded>\0<name>\0<id>}, all scores 0): the directory's index. */
    public static final String DIRECTORY = OWN_PREFIX + "directory";
    /** Held (and left to expire) by the node that back-fills the directory from {@code username:*}. */
    public static final String DIRECTORY_BACKFILL_LOCK = OWN_PREFIX + "lock:directory-backfill";

    /** Per user: room id → id of the last message read, plus {@code *}, where unread counting starts for rooms never read. */
    public static String readMarks(String userId) {
        return OWN_PREFIX + "read:" + userId;
    }

    /** Per user: the rooms muted (no desktop notifications). */
    public static String mutedRooms(String userId) {
        return OWN_PREFIX + "muted:" + userId;
    }

    /** Other nodes' tabs of a user learn of a read here (our own channel: the seed would show it to everyone). */
    public static final String READ_CHANNEL = OWN_PREFIX + "reads";

    public static String session(String sessionKey) {
        return OWN_PREFIX + "session:" + sessionKey;
    }

    // Login failure keys share one hash tag so that one Lua script may check and count them on a Redis Cluster.

    /** Failed logins as the user from clients without a device cookie of theirs (sorted set: attempt id by time). */
    public static String loginFailuresOfUser(String userId) {
        return OWN_PREFIX + "{login}:failures:user:" + userId;
    }

    /** Failed logins as the user from one device that has logged in as them before. */
    public static String loginFailuresOfDevice(String userId, String deviceId) {
        return OWN_PREFIX + "{login}:failures:device:" + userId + ":" + deviceId;
    }

    public static String loginFailuresOfAddress(String address) {
        return OWN_PREFIX + "{login}:failures:address:" + address;
    }

    /** The key device cookies are signed with, shared by every node (unless configured). */
    public static final String DEVICE_COOKIE_KEY = OWN_PREFIX + "device-cookie-key";

    /** The user's live sessions (sorted set: session key by login time), for the per-user cap and "log out others". */
    public static String sessionsOfUser(String userId) {
        return OWN_PREFIX + "user-sessions:" + userId;
    }

    /** Which user holds a name's confusable skeleton (value: the user id); see {@code Usernames}. */
    public static String usernameSkeleton(String skeleton) {
        return OWN_PREFIX + "username-skeleton:" + skeleton;
    }

    /**
     * Users up to this id have their look-alike keys claimed (users written by the seed's servers included).
     * Named anew whenever the keys change ({@code username-skeletons-indexed} before accents were dropped,
     * {@code username-look-alikes-indexed} before names were also compared without what stands between
     * their words), so that every user's keys of the new kind are claimed again, from user 1.
     */
    public static final String USER_LOOK_ALIKES_INDEXED_UP_TO = OWN_PREFIX + "username-look-alikes-joined-indexed";

    public static String registrationsOfAddress(String address) {
        return OWN_PREFIX + "throttle:register:address:" + address;
    }

    /** A post with a client message id, remembered for a while so that a retry is stored once. */
    public static String post(String userId, String clientMessageId) {
        return OWN_PREFIX + "post:" + userId + ":" + clientMessageId;
    }

    public static String messageRate(String userId) {
        return OWN_PREFIX + "rate:messages:" + userId;
    }

    public static String channelCreationRate(String userId) {
        return OWN_PREFIX + "rate:channels:" + userId;
    }

    public static String invitationRate(String userId) {
        return OWN_PREFIX + "rate:invitations:" + userId;
    }

    // Channels (docs/PROTOCOL.md, "Channels"): their messages and names use the seed's room:{id}
    // keys and their members' user:{id}:rooms; what the seed has no notion of lives here.
    /** Counter behind channel ids {@code c-<n>}. */
    public static final String CHANNEL_SEQUENCE = OWN_PREFIX + "channel-seq";
    /** Hash: lower-cased channel name, and each of its look-alike keys, → channel id (names are unique, archived ones included). */
    public static final String CHANNEL_NAMES = OWN_PREFIX + "channel-names";
    /** Channels up to this number have their names' look-alike keys in {@link #CHANNEL_NAMES}; named anew as {@link #USER_LOOK_ALIKES_INDEXED_UP_TO}. */
    public static final String CHANNEL_NAMES_INDEXED_UP_TO = OWN_PREFIX + "channel-look-alikes-joined-indexed";
    /** Sorted set, all scores 0: {@code <lower-cased name>\n<id>} of public, unarchived channels, for prefix search. */
    public static final String PUBLIC_CHANNELS = OWN_PREFIX + "channels:public";

    /** Hash: {@code kind} (public/private), {@code creator}, {@code created} (Unix seconds), {@code archived} (Unix seconds, when archived). */
    public static String channel(String channelId) {
        return OWN_PREFIX + "channel:" + channelId;
    }

    /** Set of member user ids: who may read and post (and receives the channel's events). */
    public static String channelMembers(String channelId) {
        return OWN_PREFIX + "channel:" + channelId + ":members";
    }

    /**
     * A Redisson lock held while the channel's creator renames, archives or restores it, and while a member leaves or is
     * removed (the last member of a private channel deletes it): one such change at a time, each reading what it changes.
     */
    public static String channelChanging(String channelId) {
        return OWN_PREFIX + "channel:" + channelId + ":changing";
    }

    /** Hash: private room id → the room's message count when the user hid it (it comes back once it has more). */
    public static String hiddenRooms(String userId) {
        return OWN_PREFIX + "user:" + userId + ":hidden";
    }

    /** Sorted set: ids of a room's edited or deleted messages, scored by the second of the change (for catch-up). */
    public static String roomChanges(String roomId) {
        return OWN_PREFIX + "room:" + roomId + ":changes";
    }

    // Presence keys share one hash tag so that one Lua script may touch them on a Redis Cluster.
    public static final String PRESENCE_TOTALS = OWN_PREFIX + "{presence}:totals";
    public static final String PRESENCE_NODES = OWN_PREFIX + "{presence}:nodes";
    /**
     * Sorted set: users whose total went to or from zero, scored by when (ms), until {@link #ONLINE_USERS} follows
     * (a node that died in between left them there; the others' heartbeats settle them).
     */
    public static final String PRESENCE_SETTLING = OWN_PREFIX + "{presence}:settling";

    public static String presenceNode(String serverId) {
        return OWN_PREFIX + "{presence}:node:" + serverId;
    }

    /** A user's WebSocket handshakes under way, each holding a place under the user's socket limit. */
    public static String presenceOpening(String userId) {
        return OWN_PREFIX + "{presence}:opening:" + userId;
    }

    public static String presenceLease(String serverId) {
        return OWN_PREFIX + "{presence}:lease:" + serverId;
    }

    private RedisKeys() {
    }
}
