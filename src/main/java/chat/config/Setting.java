package chat.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting a node reads: the environment variable (or MicroProfile Config property) of that
 * name, its default and what it means. The one list of names: {@link Settings} reads these and
 * nothing else, and the docs test checks the README and the deployment files against it.
 */
public enum Setting {

    REDIS_URL("redis://127.0.0.1:6379", "redis://[user:password@]host:port[/db], or rediss:// for TLS"),
    REDIS_ENDPOINT_URL(null, "the seed demo's way of pointing at Redis: host:port (used when REDIS_URL is unset)"),
    REDIS_PASSWORD(null, "the seed demo's Redis password (used when REDIS_URL is unset)"),
    REDISSON_CONFIG(null, "path of a Redisson YAML file (Sentinel, Cluster, replicated); replaces the three above"),
    CHAT_SERVER_ID(null, "this node's id in the pub/sub envelope and the presence registry; unique per node"
            + " (default: host name + random suffix)"),
    CHAT_ALLOWED_ORIGINS(null, "comma-separated origins, besides the page's own, that may open the WebSocket and make state-changing API calls"),
    CHAT_HOSTS(null, "comma-separated host names browsers reach the chat by, besides localhost and IP addresses: a page under another name (DNS rebinding) may not log in, post or open a socket"),
    CHAT_SESSION_IDLE_TIMEOUT("P7D", "a login session unused this long ends"),
    CHAT_PRESENCE_LEASE("PT15S", "a node silent this long is presumed dead; its users go offline"),
    CHAT_SHUTDOWN_GRACE("PT3S", "on SIGTERM (Payara), how long a node goes on answering before it stops: /health/ready says"
            + " DOWN, its sockets close so that their clients reconnect to other nodes, new handshakes get 503 with Retry-After,"
            + " API calls are answered as before"),
    CHAT_MAX_MESSAGE_LENGTH("5000", "characters per message, after trimming (at most 10,000: a message fits one 64 KiB frame)"),
    CHAT_OUTBOUND_QUEUE_LIMIT("4096", "events that may wait for one slow socket before it is closed"),
    CHAT_OUTBOUND_QUEUE_BYTES("1048576", "bytes of events that may wait for one slow socket before it is closed"),
    CHAT_OUTBOUND_NODE_BYTES(null, "bytes of events that may wait for all of a node's sockets; beyond, a socket behind by more"
            + " than its share of them is closed (default: an eighth of the heap)"),
    CHAT_DEMO_DATA("true", "seed the demo users, rooms and messages into an empty Redis, and again if it comes back empty"),
    CHAT_LOGIN_FAILURES("5", "failed logins per user from browsers without that user's device cookie before such browsers get 429"
            + " (the user's own browsers still log in; docs/SECURITY.md)"),
    CHAT_LOGIN_FAILURE_WINDOW("PT15M", "how long a failed login counts (a sliding window)"),
    CHAT_LOGIN_DEVICE_FAILURES("10", "failed logins one browser holding the user's device cookie may make in the window"),
    CHAT_LOGIN_ADDRESS_FAILURES("100", "failed logins from one client address in the window; beyond, that address may only try"
            + " users without failures of their own (another user's correct password is never refused)"),
    CHAT_DEVICE_COOKIE_SECRET(null, "key that signs device cookies (default: a random one the nodes share through Redis)"),
    CHAT_SESSIONS_PER_USER("10", "live sessions per user; a login beyond it ends the oldest"),
    CHAT_SESSION_LIFETIME("P30D", "a session ends this long after its login however busy (beside the idle timeout)"),
    CHAT_MIN_PASSWORD_LENGTH("8", "characters a new password needs (existing passwords keep working)"),
    CHAT_MAX_REQUEST_BYTES("65536", "largest API request body; a larger one is refused (413) unread"),
    CHAT_REQUEST_BODY_TIMEOUT("PT10S", "how long an API request body may take to arrive (408 after), read without holding a thread"),
    CHAT_HISTORY_READS_AT_ONCE(null, "history reads (pages, catch-ups, read states) a node works on at once; beyond, a read waits up to"
            + " half a second, then gets 503 with Retry-After (default: twice the cores, at least 4)"),
    CHAT_CATCH_UP_LIMIT("500", "messages one ?after= call returns at most (and as many changes to older ones); a full answer means:"
            + " ask again after its last message"),
    CHAT_METRICS_TOKEN(null, "Bearer token /metrics requires; unset, /metrics is off (404)"),
    CHAT_REGISTRATIONS_PER_HOUR("1000", "new names one client address may register per hour"),
    CHAT_BCRYPT_CONCURRENCY(null, "password hashes a node computes at once (default: half the cores, at least 1)"),
    CHAT_MESSAGE_BURST("40", "messages per user across all nodes and tabs before the sustained rate applies"),
    CHAT_MESSAGES_PER_SECOND("5", "messages per user and second, sustained"),
    CHAT_API_BURST("100", "API calls per session before the sustained rate applies"),
    CHAT_API_CALLS_PER_SECOND("20", "API calls per session and second, sustained"),
    CHAT_SOCKETS_PER_USER("20", "open sockets per user, all nodes together"),
    CHAT_SOCKETS_PER_ADDRESS("10000", "open sockets per client address on one node"),
    CHAT_REQUESTS_PER_ADDRESS_AT_ONCE("100", "requests of one client address a node works on at once (half of Payara's 200"
            + " request threads; WebSocket handshakes aside); beyond: 429 with Retry-After, and the connection is closed"),
    CHAT_SOCKET_OPENS_PER_SECOND("1", "sockets a user may open per second on each node, after CHAT_SOCKETS_PER_USER at once"),
    CHAT_SOCKET_OPENS_PER_ADDRESS("500", "sockets one client address may open at once on each node (all its users"
            + " together), before CHAT_SOCKET_OPENS_PER_ADDRESS_PER_SECOND"),
    CHAT_SOCKET_OPENS_PER_ADDRESS_PER_SECOND("50", "sockets one client address may open per second on each node, once"
            + " CHAT_SOCKET_OPENS_PER_ADDRESS of them opened at once"),
    CHAT_MAX_SOCKETS(null, "open sockets one node holds; beyond, a handshake gets 503 with Retry-After (default: the"
            + " node process's open-file limit less a tenth, at least 1,000 less, for its other connections and files;"
            + " at most what its heap holds at 48 KiB a socket beyond 128 MiB for the rest)"),
    CHAT_TRUSTED_PROXIES(null, "comma-separated proxy addresses whose X-Forwarded-For names the client"),
    CHAT_PING_INTERVAL("PT20S", "how often sockets are pinged"),
    CHAT_SOCKET_IDLE_TIMEOUT("PT60S", "a socket that answers nothing this long is closed"),
    CHAT_WS_FLUSH_INTERVAL_MS("0", "0: an event for an idle socket is written at once, what arrives during that write goes out"
            + " as its next frame; above 0: sockets are written in passes this often (ms), fewer writes for more latency"),
    CHAT_WS_FLUSH_THREADS(null, "threads that write sockets (default: one per core, at least 2; in passes, when"
            + " CHAT_WS_FLUSH_INTERVAL_MS is above 0, one per two cores, at least 1)"),
    CHAT_WS_RAW_FRAMES("true", "on Payara (Tyrus), write frames encoded once per node; false uses the standard sendText"),
    CHAT_WS_SMALL_OUTPUT_BUFFER("true", "on Payara, give a socket's response an output buffer of 512 bytes instead of"
            + " 8 KiB, which every frame written from the chat's writer threads got afresh (256 MB/s of garbage at 30,000"
            + " deliveries/s)"),
    CHAT_WS_HANDSHAKES_PER_SECOND("1000", "WebSocket handshakes a node takes per second (and at once); beyond: 503 with"
            + " Retry-After; 0: no limit"),
    CHAT_WS_HANDSHAKES_AT_ONCE("100", "WebSocket handshakes a node works on at once (half of Payara's 200 request threads,"
            + " so that the other half can refuse); beyond, a handshake gets 503 with Retry-After right after its session"
            + " lookup, so that a burst never waits in the container past its idle timeout; 0: no limit"),
    CHAT_TYRUS_PLAIN_IDLE_TIMER("true", "on Payara (Tyrus), give each session's idle timer a plain scheduler instead of"
            + " the container's managed one (whose context capture costs ~0.3 ms of CPU per incoming message)"),
    CHAT_REDIS_EPOLL("true", "on Linux, talk to Redis through Netty's native epoll transport (fewer thread wake-ups"
            + " per command than Java's selector); false, or where it cannot load, the plain Java one"),
    CHAT_PAYARA_UNDECODABLE_PATHS("true", "on Payara, answer a request whose path cannot be decoded (/%zz) with the chat's"
            + " JSON 400 instead of Payara's empty 200 (docs/SECURITY.md)"),
    CHAT_CHANNELS_PER_USER("100", "channels one user may belong to (created or joined, archived ones included)"),
    CHAT_MEMBERS_PER_CHANNEL("1000", "members one channel may have"),
    CHAT_CHANNELS_CREATED_PER_HOUR("20", "channels one user may create per hour, all nodes together (that many at once,"
            + " then one in turn as the hour goes on)"),
    CHAT_INVITATIONS_PER_MINUTE("30", "invitations into channels one user may send per minute, all nodes together"),
    CHAT_EDIT_TIME_LIMIT("PT24H", "how long after sending its author may still edit a message (deleting has no limit)");

    private final String defaultValue;
    private final String meaning;

    Setting(String defaultValue, String meaning) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    /** The value used when the setting is unset; null when there is none or it depends on the machine. */
    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    /**
     * The setting a name that is none was likely meant to be: a {@code CHAT_} name a letter or two
     * away from one. Set with a typo, a limit stayed at its default without a word (found from
     * outside). Names further away are left alone: scripts keep their own ({@code CHAT_HOME}).
     */
    public static Optional<Setting> misspeltAs(String name) {
        if (!name.startsWith("CHAT_") || Arrays.stream(values()).anyMatch(s -> s.name().equals(name))) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> distance(s.name(), name) <= 2).findFirst();
    }

    /** Levenshtein's: the fewest letters inserted, deleted or replaced to make one name the other. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
