package chat.redis;

/**
 * Every Redis key and channel name, in one place. The first group is the seed demo's layout
 * and must not change (nodes of the seed's Node.js/Python servers share the same Redis);
 * the second group is this server's own, all under {@link #OWN_PREFIX}.
 */
public final class RedisKeys {

    // --- shared with the seed demo (SPEC §2, §3) ---
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
    /** Read (never written) by the readiness check. */
    public static final String HEALTH_PROBE = OWN_PREFIX + "health";
    public static final String SEEDING_LOCK = OWN_PREFIX + "lock:seeding";
    /** Control events between this server's nodes (the seed does not know them). */
    public static final String CONTROL_CHANNEL = OWN_PREFIX + "control";

    public static String session(String sessionKey) {
        return OWN_PREFIX + "session:" + sessionKey;
    }

    public static String loginFailuresOfUser(String username) {
        return OWN_PREFIX + "throttle:login:user:" + username;
    }

    public static String loginFailuresOfAddress(String address) {
        return OWN_PREFIX + "throttle:login:address:" + address;
    }

    public static String registrationsOfAddress(String address) {
        return OWN_PREFIX + "throttle:register:address:" + address;
    }

    public static String messageRate(String userId) {
        return OWN_PREFIX + "rate:messages:" + userId;
    }

    // Presence keys share one hash tag so that one Lua script may touch them on a Redis Cluster.
    public static final String PRESENCE_TOTALS = OWN_PREFIX + "{presence}:totals";
    public static final String PRESENCE_NODES = OWN_PREFIX + "{presence}:nodes";

    public static String presenceNode(String serverId) {
        return OWN_PREFIX + "{presence}:node:" + serverId;
    }

    public static String presenceLease(String serverId) {
        return OWN_PREFIX + "{presence}:lease:" + serverId;
    }

    private RedisKeys() {
    }
}
