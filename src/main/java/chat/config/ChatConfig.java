package chat.config;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Settings of one node, read from MicroProfile Config when the runtime has it (which covers
 * system properties and environment variables), otherwise from system properties and the
 * environment directly, so the WAR also runs on servers without MicroProfile.
 */
@ApplicationScoped
public class ChatConfig {

    private final Map<String, Optional<String>> read = new ConcurrentHashMap<>();
    private final String serverId = value("CHAT_SERVER_ID").orElseGet(ChatConfig::uniqueServerId);

    public String serverId() {
        return serverId;
    }

    public Optional<String> redisUrl() {
        return value("REDIS_URL");
    }

    /** The seed's way of pointing at Redis: {@code host:port} plus an optional password. */
    public Optional<String> redisEndpoint() {
        return value("REDIS_ENDPOINT_URL");
    }

    public Optional<String> redisPassword() {
        return value("REDIS_PASSWORD");
    }

    /** Path of a Redisson YAML file, for Sentinel, Cluster and replicated deployments. */
    public Optional<String> redissonConfigFile() {
        return value("REDISSON_CONFIG");
    }

    /** Origins besides the page's own that may open the WebSocket. */
    public List<String> allowedOrigins() {
        return value("CHAT_ALLOWED_ORIGINS")
                .map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** A session unused this long is gone (ISO-8601 duration like P7D, or seconds). */
    public Duration sessionIdleTimeout() {
        return value("CHAT_SESSION_IDLE_TIMEOUT").map(ChatConfig::duration).orElse(Duration.ofDays(7));
    }

    public int maxMessageLength() {
        return integer("CHAT_MAX_MESSAGE_LENGTH", 5000);
    }

    /** Frames waiting to be written to one socket before that socket is judged too slow and closed. */
    public int outboundQueueLimit() {
        return integer("CHAT_OUTBOUND_QUEUE_LIMIT", 4096);
    }

    /**
     * How often the node writes the sockets that have events waiting, each in one frame (ms). 0
     * writes every event at once. See {@code OutboundFlusher}.
     */
    public int socketFlushIntervalMillis() {
        return integer("CHAT_WS_FLUSH_INTERVAL_MS", 10);
    }

    /** Whether sockets on Tyrus (Payara) are written with frames encoded once per node (see {@code TyrusRawFrames}). */
    public boolean rawSocketFrames() {
        return value("CHAT_WS_RAW_FRAMES").map(Boolean::parseBoolean).orElse(true);
    }

    /** Threads that write sockets (see {@code OutboundFlusher}); one per two cores unless set. */
    public int socketFlushThreads() {
        return integer("CHAT_WS_FLUSH_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** How long a node's presence lease lives without renewal; its users go offline after that. */
    public Duration presenceLease() {
        return value("CHAT_PRESENCE_LEASE").map(ChatConfig::duration).orElse(Duration.ofSeconds(15));
    }

    /** Failed logins per user name, and per client address, before further attempts wait (429). */
    public int loginFailuresAllowed() {
        return integer("CHAT_LOGIN_FAILURES", 5);
    }

    public Duration loginFailureWindow() {
        return value("CHAT_LOGIN_FAILURE_WINDOW").map(ChatConfig::duration).orElse(Duration.ofMinutes(15));
    }

    /** New names one client address may register per hour. */
    public int registrationsPerHour() {
        return integer("CHAT_REGISTRATIONS_PER_HOUR", 1000);
    }

    /** Password hashes (bcrypt) this node computes at once, so logins cannot starve chatting. */
    public int bcryptConcurrency() {
        return integer("CHAT_BCRYPT_CONCURRENCY", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** Messages per user across all nodes and tabs: a burst, then a sustained rate per second. */
    public int messageBurst() {
        return integer("CHAT_MESSAGE_BURST", 40);
    }

    public double messagesPerSecond() {
        return value("CHAT_MESSAGES_PER_SECOND").map(Double::parseDouble).orElse(5.0);
    }

    /** API calls per session: a burst, then a sustained rate per second. */
    public int apiBurst() {
        return integer("CHAT_API_BURST", 100);
    }

    public double apiCallsPerSecond() {
        return value("CHAT_API_CALLS_PER_SECOND").map(Double::parseDouble).orElse(20.0);
    }

    /** Simultaneous sockets per user (all nodes) and per client address (this node). */
    public int socketsPerUser() {
        return integer("CHAT_SOCKETS_PER_USER", 20);
    }

    public int socketsPerAddress() {
        return integer("CHAT_SOCKETS_PER_ADDRESS", 10000);
    }

    /** Proxies whose X-Forwarded-For is believed (comma-separated addresses). */
    public List<String> trustedProxies() {
        return value("CHAT_TRUSTED_PROXIES")
                .map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** How often sockets are pinged; one that answers no ping within the idle timeout is closed. */
    public Duration pingInterval() {
        return value("CHAT_PING_INTERVAL").map(ChatConfig::duration).orElse(Duration.ofSeconds(20));
    }

    public Duration socketIdleTimeout() {
        return value("CHAT_SOCKET_IDLE_TIMEOUT").map(ChatConfig::duration).orElse(Duration.ofSeconds(60));
    }

    /** Whether an empty Redis gets the demo users, rooms and messages. */
    public boolean seedDemoData() {
        return value("CHAT_DEMO_DATA").map(Boolean::parseBoolean).orElse(true);
    }

    private int integer(String name, int defaultValue) {
        return value(name).map(Integer::parseInt).orElse(defaultValue);
    }

    static Duration duration(String text) {
        String t = text.trim();
        return t.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(t)) : Duration.parse(t);
    }

    /** Settings do not change while a node runs; hot paths (every message) read them from memory. */
    private Optional<String> value(String name) {
        return read.computeIfAbsent(name, ChatConfig::read);
    }

    private static Optional<String> read(String name) {
        Optional<String> configured;
        try {
            configured = MicroProfile.value(name);
        } catch (LinkageError | RuntimeException noMicroProfileConfig) {
            configured = Optional.ofNullable(System.getProperty(name)).or(() -> Optional.ofNullable(System.getenv(name)));
        }
        return configured.map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String uniqueServerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Kept apart so that a server without MicroProfile Config never loads its classes. */
    private static final class MicroProfile {
        static Optional<String> value(String name) {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, String.class);
        }
    }
}
