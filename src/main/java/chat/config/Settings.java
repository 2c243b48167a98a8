package chat.config;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;

import static chat.config.Setting.*;

/**
 * The settings of one node, read and checked once when the application starts (see
 * {@link SettingsSource}); a value out of range stops the deployment with a message naming the
 * variable, instead of failing the first request that needs it. Immutable.
 */
public final class Settings {

    private final String serverId;
    private final String redisUrl;
    private final Optional<String> redisPassword;
    private final Optional<String> redissonConfigFile;
    private final List<String> allowedOrigins;
    private final List<String> hosts;
    private final Duration sessionIdleTimeout;
    private final Duration presenceLease;
    private final int maxMessageLength;
    private final int outboundQueueLimit;
    private final int outboundQueueBytes;
    private final int outboundNodeBytes;
    private final boolean seedDemoData;
    private final Duration shutdownGrace;
    private final int loginFailuresAllowed;
    private final Duration loginFailureWindow;
    private final int deviceLoginFailuresAllowed;
    private final int addressLoginFailuresAllowed;
    private final Optional<String> deviceCookieSecret;
    private final int sessionsPerUser;
    private final Duration sessionLifetime;
    private final int minPasswordLength;
    private final int maxRequestBytes;
    private final Duration requestBodyTimeout;
    private final int catchUpLimit;
    private final int historyReadsAtOnce;
    private final Optional<String> metricsToken;
    private final int registrationsPerHour;
    private final int bcryptConcurrency;
    private final int messageBurst;
    private final double messagesPerSecond;
    private final int apiBurst;
    private final double apiCallsPerSecond;
    private final int socketsPerUser;
    private final int socketsPerAddress;
    private final int requestsPerAddressAtOnce;
    private final int maxSockets;
    private final double socketOpensPerSecond;
    private final int socketOpensPerAddress;
    private final double socketOpensPerAddressPerSecond;
    private final List<String> trustedProxies;
    private final Duration pingInterval;
    private final Duration socketIdleTimeout;
    private final int socketFlushIntervalMillis;
    private final int socketFlushThreads;
    private final boolean rawSocketFrames;
    private final boolean smallOutputBuffer;
    private final int handshakesPerSecond;
    private final int handshakesAtOnce;
    private final boolean plainIdleTimer;
    private final boolean redisEpoll;
    private final boolean undecodablePathWorkaround;
    private final int channelsPerUser;
    private final int membersPerChannel;
    private final int channelsCreatedPerHour;
    private final int invitationsPerMinute;
    private final Duration editTimeLimit;

    private Settings(Values in) {
        int cores = Runtime.getRuntime().availableProcessors();
        int halfTheCores = Math.max(1, cores / 2);
        serverId = in.serverId();
        Optional<String> url = in.text(REDIS_URL);
        redisUrl = in.redisUrl(url.isPresent() ? REDIS_URL : REDIS_ENDPOINT_URL,
                url.or(() -> in.text(REDIS_ENDPOINT_URL).map(endpoint -> "redis://" + endpoint)).orElse(REDIS_URL.defaultValue()));
        redisPassword = url.isPresent() ? Optional.empty() : in.text(REDIS_PASSWORD); // a REDIS_URL carries its own
        redissonConfigFile = in.readableFile(REDISSON_CONFIG);
        allowedOrigins = in.origins(CHAT_ALLOWED_ORIGINS);
        hosts = in.list(CHAT_HOSTS).stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        sessionIdleTimeout = in.duration(CHAT_SESSION_IDLE_TIMEOUT, Duration.ofMinutes(1));
        presenceLease = in.duration(CHAT_PRESENCE_LEASE, Duration.ofSeconds(3));
        // Payara reads its grace as an int of milliseconds and ignores a larger one: no grace at all (found from outside).
        shutdownGrace = in.duration(CHAT_SHUTDOWN_GRACE, Duration.ZERO, Duration.ofMillis(Integer.MAX_VALUE));
        // A message typed to the limit must fit the 64 KiB a client frame may have (docs/PROTOCOL.md) even where
        // JSON spells each character in 6 bytes (a control character, which is then refused with an answer): a
        // larger frame closes the socket, and the page's outbox sent it again after every reconnection.
        maxMessageLength = in.integer(CHAT_MAX_MESSAGE_LENGTH, 1, 10_000);
        outboundQueueLimit = in.integer(CHAT_OUTBOUND_QUEUE_LIMIT, 1, 1_000_000);
        outboundQueueBytes = in.integer(CHAT_OUTBOUND_QUEUE_BYTES, 1024, Integer.MAX_VALUE);
        outboundNodeBytes = in.integer(CHAT_OUTBOUND_NODE_BYTES,
                (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 8), 1024, Integer.MAX_VALUE);
        seedDemoData = in.bool(CHAT_DEMO_DATA);
        loginFailuresAllowed = in.integer(CHAT_LOGIN_FAILURES, 1, Integer.MAX_VALUE);
        loginFailureWindow = in.duration(CHAT_LOGIN_FAILURE_WINDOW, Duration.ofSeconds(1));
        deviceLoginFailuresAllowed = in.integer(CHAT_LOGIN_DEVICE_FAILURES, 1, Integer.MAX_VALUE);
        addressLoginFailuresAllowed = in.integer(CHAT_LOGIN_ADDRESS_FAILURES, 1, Integer.MAX_VALUE);
        deviceCookieSecret = in.text(CHAT_DEVICE_COOKIE_SECRET);
        if (deviceCookieSecret.isPresent() && deviceCookieSecret.get().length() < 16) {
            in.problem(CHAT_DEVICE_COOKIE_SECRET, "must have at least 16 characters");
        }
        sessionsPerUser = in.integer(CHAT_SESSIONS_PER_USER, 1, Integer.MAX_VALUE);
        sessionLifetime = in.duration(CHAT_SESSION_LIFETIME, Duration.ofMinutes(1));
        minPasswordLength = in.integer(CHAT_MIN_PASSWORD_LENGTH, 1, 72); // bcrypt reads 72 bytes at most
        maxRequestBytes = in.integer(CHAT_MAX_REQUEST_BYTES, 1024, 16 * 1024 * 1024);
        requestBodyTimeout = in.duration(CHAT_REQUEST_BODY_TIMEOUT, Duration.ofSeconds(1));
        catchUpLimit = in.integer(CHAT_CATCH_UP_LIMIT, 10, 100_000);
        historyReadsAtOnce = in.integer(CHAT_HISTORY_READS_AT_ONCE,
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 1, 100_000);
        metricsToken = in.text(CHAT_METRICS_TOKEN);
        registrationsPerHour = in.integer(CHAT_REGISTRATIONS_PER_HOUR, 1, Integer.MAX_VALUE);
        bcryptConcurrency = in.integer(CHAT_BCRYPT_CONCURRENCY, halfTheCores, 1, 1024);
        messageBurst = in.integer(CHAT_MESSAGE_BURST, 1, Integer.MAX_VALUE);
        messagesPerSecond = in.rate(CHAT_MESSAGES_PER_SECOND);
        apiBurst = in.integer(CHAT_API_BURST, 1, Integer.MAX_VALUE);
        apiCallsPerSecond = in.rate(CHAT_API_CALLS_PER_SECOND);
        socketsPerUser = in.integer(CHAT_SOCKETS_PER_USER, 1, Integer.MAX_VALUE);
        socketsPerAddress = in.integer(CHAT_SOCKETS_PER_ADDRESS, 1, Integer.MAX_VALUE);
        requestsPerAddressAtOnce = in.integer(CHAT_REQUESTS_PER_ADDRESS_AT_ONCE, 1, Integer.MAX_VALUE);
        socketOpensPerSecond = in.rate(CHAT_SOCKET_OPENS_PER_SECOND);
        socketOpensPerAddress = in.integer(CHAT_SOCKET_OPENS_PER_ADDRESS, 1, 100_000_000);
        socketOpensPerAddressPerSecond = in.rate(CHAT_SOCKET_OPENS_PER_ADDRESS_PER_SECOND);
        maxSockets = in.integer(CHAT_MAX_SOCKETS,
                Math.min(socketsTheOpenFileLimitAllows(), socketsTheHeapAllows(Runtime.getRuntime().maxMemory())), 1, Integer.MAX_VALUE);
        trustedProxies = in.list(CHAT_TRUSTED_PROXIES);
        pingInterval = in.duration(CHAT_PING_INTERVAL, Duration.ofMillis(100));
        socketIdleTimeout = in.duration(CHAT_SOCKET_IDLE_TIMEOUT, Duration.ofMillis(100));
        if (socketIdleTimeout.compareTo(pingInterval) <= 0) {
            in.problem(CHAT_SOCKET_IDLE_TIMEOUT, "must be longer than CHAT_PING_INTERVAL (" + pingInterval
                    + "), or every socket is closed before its first ping is answered");
        }
        socketFlushIntervalMillis = in.integer(CHAT_WS_FLUSH_INTERVAL_MS, 0, 10_000);
        // Passes coalesce, so a few threads write many sockets; lanes write each event at once and
        // need a core each (at least two: a lane that is writing is not free for the next message).
        socketFlushThreads = in.integer(CHAT_WS_FLUSH_THREADS,
                socketFlushIntervalMillis > 0 ? halfTheCores : Math.max(2, cores), 1, 256);
        rawSocketFrames = in.bool(CHAT_WS_RAW_FRAMES);
        smallOutputBuffer = in.bool(CHAT_WS_SMALL_OUTPUT_BUFFER);
        handshakesPerSecond = in.integer(CHAT_WS_HANDSHAKES_PER_SECOND, 0, 1_000_000);
        handshakesAtOnce = in.integer(CHAT_WS_HANDSHAKES_AT_ONCE, 0, 100_000);
        plainIdleTimer = in.bool(CHAT_TYRUS_PLAIN_IDLE_TIMER);
        redisEpoll = in.bool(CHAT_REDIS_EPOLL);
        undecodablePathWorkaround = in.bool(CHAT_PAYARA_UNDECODABLE_PATHS);
        channelsPerUser = in.integer(CHAT_CHANNELS_PER_USER, 1, 100_000);
        membersPerChannel = in.integer(CHAT_MEMBERS_PER_CHANNEL, 2, 1_000_000);
        channelsCreatedPerHour = in.integer(CHAT_CHANNELS_CREATED_PER_HOUR, 1, 100_000);
        invitationsPerMinute = in.integer(CHAT_INVITATIONS_PER_MINUTE, 1, 100_000);
        editTimeLimit = in.duration(CHAT_EDIT_TIME_LIMIT, Duration.ofSeconds(1));
        in.failOnProblems();
    }

    /**
     * Reads every {@link Setting} from {@code source} (unset: empty; values are trimmed and an
     * empty one counts as unset) and checks each.
     *
     * @throws IllegalArgumentException naming every variable whose value is out of range
     */
    public static Settings read(Function<String, Optional<String>> source) {
        return read(source, List.of());
    }

    /** As {@link #read(Function)}; a name among {@code given} (the environment's, say) that is a setting's misspelt fails too. */
    public static Settings read(Function<String, Optional<String>> source, Collection<String> given) {
        return new Settings(new Values(source, given));
    }

    /** Settings from these values, the rest defaults: for tests and tools. */
    public static Settings of(Map<String, String> values) {
        return read(name -> Optional.ofNullable(values.get(name)));
    }

    public String serverId() {
        return serverId;
    }

    /** Where Redis is, without a Redisson file: REDIS_URL, else the seed's REDIS_ENDPOINT_URL, else the default. */
    public String redisUrl() {
        return redisUrl;
    }

    /** The seed's REDIS_PASSWORD; empty when REDIS_URL is set (the URL carries its own). */
    public Optional<String> redisPassword() {
        return redisPassword;
    }

    /** Path of a Redisson YAML file, for Sentinel, Cluster and replicated deployments. */
    public Optional<String> redissonConfigFile() {
        return redissonConfigFile;
    }

    /** Origins besides the page's own that may open the WebSocket. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Host names, lower-cased, that a browser's page may be under (besides localhost and IP addresses). */
    public List<String> hosts() {
        return hosts;
    }

    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** How long a node's presence lease lives without renewal; its users go offline after that. */
    public Duration presenceLease() {
        return presenceLease;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** Events waiting to be written to one socket before that socket is judged too slow and closed. */
    public int outboundQueueLimit() {
        return outboundQueueLimit;
    }

    /** Bytes (the events' UTF-8) that may wait for one socket, queued or being written. */
    public int outboundQueueBytes() {
        return outboundQueueBytes;
    }

    /**
     * Bytes that may wait for all of this node's sockets together. Counted as UTF-8, an event takes
     * up to three times as much heap (its text, its bytes, its frame), and the heap holds the
     * sockets themselves too: an eighth of it by default.
     */
    public int outboundNodeBytes() {
        return outboundNodeBytes;
    }

    /** Whether an empty Redis gets the demo users, rooms and messages. */
    public boolean seedDemoData() {
        return seedDemoData;
    }

    /** Failed logins per user name, and per client address, before further attempts wait (429). */
    public int loginFailuresAllowed() {
        return loginFailuresAllowed;
    }

    public Duration loginFailureWindow() {
        return loginFailureWindow;
    }

    public int deviceLoginFailuresAllowed() {
        return deviceLoginFailuresAllowed;
    }

    public int addressLoginFailuresAllowed() {
        return addressLoginFailuresAllowed;
    }

    public Optional<String> deviceCookieSecret() {
        return deviceCookieSecret;
    }

    public int sessionsPerUser() {
        return sessionsPerUser;
    }

    public Duration sessionLifetime() {
        return sessionLifetime;
    }

    public int minPasswordLength() {
        return minPasswordLength;
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public Duration requestBodyTimeout() {
        return requestBodyTimeout;
    }

    public int catchUpLimit() {
        return catchUpLimit;
    }

    /** History reads a node works on at once. */
    public int historyReadsAtOnce() {
        return historyReadsAtOnce;
    }

    public Optional<String> metricsToken() {
        return metricsToken;
    }

    public int registrationsPerHour() {
        return registrationsPerHour;
    }

    /** Password hashes (bcrypt) this node computes at once, so logins cannot starve chatting. */
    public int bcryptConcurrency() {
        return bcryptConcurrency;
    }

    public int messageBurst() {
        return messageBurst;
    }

    public double messagesPerSecond() {
        return messagesPerSecond;
    }

    public int apiBurst() {
        return apiBurst;
    }

    public double apiCallsPerSecond() {
        return apiCallsPerSecond;
    }

    public int socketsPerUser() {
        return socketsPerUser;
    }

    public int socketsPerAddress() {
        return socketsPerAddress;
    }

    public int requestsPerAddressAtOnce() {
        return requestsPerAddressAtOnce;
    }

    /** Sockets one user may open per second on each node, once the socket limit's worth is spent. */
    public double socketOpensPerSecond() {
        return socketOpensPerSecond;
    }

    /** Sockets one client address may open at once on this node, before {@link #socketOpensPerAddressPerSecond}. */
    public int socketOpensPerAddress() {
        return socketOpensPerAddress;
    }

    /** Sockets one client address may open per second on this node, once {@link #socketOpensPerAddress} opened at once. */
    public double socketOpensPerAddressPerSecond() {
        return socketOpensPerAddressPerSecond;
    }

    public int maxSockets() {
        return maxSockets;
    }

    /**
     * Every socket costs the node's process a file descriptor. At the process's open-file limit the
     * runtime can accept no connection at all (Grizzly logs SEVERE and every client fails, even
     * those it would only have told to come back), so a node holds sockets up to the limit less a
     * tenth, and at least 1,000 less: room for its Redis connections, its own files and the
     * requests it answers meanwhile, including the 503s of a reconnect storm.
     */
    static int socketsTheOpenFileLimitAllows() {
        long limit;
        try {
            // Through JMX, not com.sun.management's interface: WildFly does not show that package to applications.
            limit = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                    new ObjectName("java.lang:type=OperatingSystem"), "MaxFileDescriptorCount")).longValue();
        } catch (JMException | RuntimeException notKnown) {
            return Integer.MAX_VALUE; // not known here: the runtime's own limits apply
        }
        long sockets = limit - Math.max(1000, limit / 10);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(limit / 2, sockets));
    }

    /**
     * A socket's share of the heap: a quarter more than the most an idle socket took in round 4
     * (24-38 KiB, docs/PERFORMANCE.md, "What a socket's heap is"), for the handshakes under way
     * and the collector's room to work.
     */
    private static final long HEAP_PER_SOCKET = 48 * 1024;
    /** The heap a node needs besides its sockets: Payara, the chat, Grizzly's pooled requests after a storm (about 100 MB). */
    private static final long HEAP_BESIDES_SOCKETS = 128L * 1024 * 1024;
    private static final int FEWEST_SOCKETS_FROM_THE_HEAP = 100;
    /** The longest any duration setting may be: in milliseconds and nanoseconds alike it stays far within a long. */
    private static final Duration LONGEST_DURATION = Duration.ofDays(3650);

    /**
     * A node whose open-file limit is far above what its heap holds (a container's 1,048,576 files
     * beside a few hundred MB of heap) would take sockets until it runs out of memory, and with
     * {@code -XX:+ExitOnOutOfMemoryError} (the launch script's and the image's) end: a node with
     * 256 MB of heap, an open-file limit of 20,000 and 12,000 handshakes at once did so after
     * opening 5,693 of them. So it holds no more sockets than its heap has room for.
     */
    static int socketsTheHeapAllows(long maxHeap) {
        long sockets = (maxHeap - HEAP_BESIDES_SOCKETS) / HEAP_PER_SOCKET;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(FEWEST_SOCKETS_FROM_THE_HEAP, sockets));
    }

    /** Proxies whose X-Forwarded-For is believed. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** How often sockets are pinged; one that answers no ping within the idle timeout is closed. */
    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration socketIdleTimeout() {
        return socketIdleTimeout;
    }

    /** 0: an idle socket is written at once, what arrives during a write goes out next; above 0: sockets are written in passes this often (ms). */
    public int socketFlushIntervalMillis() {
        return socketFlushIntervalMillis;
    }

    /** Threads that write sockets. */
    public int socketFlushThreads() {
        return socketFlushThreads;
    }

    /** Whether sockets on Tyrus (Payara) are written with frames encoded once per node. */
    public boolean rawSocketFrames() {
        return rawSocketFrames;
    }

    /** Whether a socket's response on Payara gets Grizzly's smallest output buffer (see {@code TyrusOutputBuffer}). */
    public boolean smallOutputBuffer() {
        return smallOutputBuffer;
    }

    /** WebSocket handshakes this node takes per second (and at once) before answering 503 with Retry-After; 0: no limit. */
    public int handshakesPerSecond() {
        return handshakesPerSecond;
    }

    /** WebSocket handshakes this node works on at once before answering 503 with Retry-After; 0: no limit. */
    public int handshakesAtOnce() {
        return handshakesAtOnce;
    }

    /** Whether Tyrus sessions get a plain idle-timer scheduler (see {@code TyrusIdleTimer}). */
    public boolean plainIdleTimer() {
        return plainIdleTimer;
    }

    /** Whether Redis is reached through Netty's native epoll transport where it loads. */
    public boolean redisEpoll() {
        return redisEpoll;
    }

    public boolean undecodablePathWorkaround() {
        return undecodablePathWorkaround;
    }

    /** Channels one user may belong to (created or joined, archived ones included). */
    public int channelsPerUser() {
        return channelsPerUser;
    }

    public int membersPerChannel() {
        return membersPerChannel;
    }

    /** Channels one user may create per hour, across all nodes. */
    public int channelsCreatedPerHour() {
        return channelsCreatedPerHour;
    }

    /** Invitations into channels one user may send per minute, across all nodes. */
    public int invitationsPerMinute() {
        return invitationsPerMinute;
    }

    /** How long after posting its author may still edit a message (deleting has no limit). */
    public Duration editTimeLimit() {
        return editTimeLimit;
    }

    /** The raw values, parsed one setting at a time; every problem is collected so that one start reports them all. */
    private static final class Values {

        private final Function<String, Optional<String>> source;
        private final Collection<String> given;
        private final List<String> problems = new ArrayList<>();

        Values(Function<String, Optional<String>> source, Collection<String> given) {
            this.source = source;
            this.given = given;
        }

        Optional<String> text(Setting setting) {
            return source.apply(setting.name()).map(String::trim).filter(v -> !v.isEmpty());
        }

        private String textOrDefault(Setting setting) {
            return text(setting).orElse(setting.defaultValue());
        }

        void problem(Setting setting, String what) {
            problems.add(setting.name() + " " + what);
        }

        private void badValue(Setting setting, String expected) {
            problem(setting, "must be " + expected + ", not \"" + textOrDefault(setting) + "\"");
        }

        String serverId() {
            String id = text(CHAT_SERVER_ID).orElseGet(Values::uniqueServerId);
            if (id.length() > 128 || id.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
                badValue(CHAT_SERVER_ID, "at most 128 characters without spaces or control characters");
            }
            return id;
        }

        String redisUrl(Setting from, String url) {
            try {
                URI uri = new URI(url);
                String database = uri.getPath() == null ? "" : uri.getPath();
                if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null
                        && database.matches("(/\\d{0,5})?")) {
                    return url;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            badValue(from, from == REDIS_URL ? "redis[s]://[user:password@]host[:port][/database]" : "host:port");
            return url;
        }

        Optional<String> readableFile(Setting setting) {
            Optional<String> path = text(setting);
            if (path.isPresent() && !new File(path.get()).canRead()) {
                badValue(setting, "a readable file");
            }
            return path;
        }

        List<String> list(Setting setting) {
            return text(setting).map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }

        List<String> origins(Setting setting) {
            List<String> origins = list(setting);
            for (String origin : origins) {
                try {
                    URI uri = new URI(origin);
                    if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                        throw new java.net.URISyntaxException(origin, "not an origin");
                    }
                } catch (java.net.URISyntaxException e) {
                    problem(setting, "must list origins like https://chat.example.com, not \"" + origin + "\"");
                }
            }
            return origins;
        }

        int integer(Setting setting, int min, int max) {
            return integer(setting, Integer.parseInt(setting.defaultValue()), min, max);
        }

        int integer(Setting setting, int defaultValue, int min, int max) {
            Optional<String> text = text(setting);
            if (text.isEmpty()) {
                return defaultValue;
            }
            OptionalInt value = WholeNumber.within(text.get(), min, max);
            if (value.isPresent()) {
                return value.getAsInt();
            }
            badValue(setting, max == Integer.MAX_VALUE ? "a whole number of at least " + min
                    : "a whole number from " + min + " to " + max);
            return defaultValue;
        }

        double rate(Setting setting) {
            try {
                double value = Double.parseDouble(textOrDefault(setting));
                if (value > 0 && Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            badValue(setting, "a number greater than 0");
            return Double.parseDouble(setting.defaultValue());
        }

        boolean bool(Setting setting) {
            String value = textOrDefault(setting);
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                badValue(setting, "true or false");
            }
            return Boolean.parseBoolean(value);
        }

        /**
         * An ISO-8601 duration (PT15S, P7D) or a number of seconds, at least {@code min} and at most ten years: a longer
         * one passed the check and then overflowed in use (P200000000000D made every login answer 500; found from outside).
         */
        Duration duration(Setting setting, Duration min) {
            return duration(setting, min, LONGEST_DURATION);
        }

        Duration duration(Setting setting, Duration min, Duration max) {
            String text = textOrDefault(setting);
            try {
                Duration value = text.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text)) : Duration.parse(text);
                if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
                    return value;
                }
            } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
                // reported below
            }
            badValue(setting, "a duration of at least " + min + " and at most " + max
                    + " (ISO-8601 like PT30S or P7D, or seconds)");
            return Duration.parse(setting.defaultValue());
        }

        void failOnProblems() {
            given.forEach(name -> Setting.misspeltAs(name).ifPresent(meant -> problems.add(name + " is no setting: did you mean "
                    + meant.name() + "?")));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid settings: " + String.join("; ", problems));
            }
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
    }
}
