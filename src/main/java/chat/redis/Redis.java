package chat.redis;

import chat.config.Settings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.util.ResourceLeakDetector;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.ObjectParams;
import org.redisson.api.options.PlainOptions;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.NettyHook;
import org.redisson.client.RedisConnection;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.TransportMode;
import org.redisson.connection.ConnectionListener;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The one Redisson client of this application: created while the application starts, shut down
 * when it stops so that redeploys leave no threads or connections behind.
 */
@ApplicationScoped
public class Redis {

    private static final Logger LOG = Logger.getLogger(Redis.class.getName());

    @Inject
    Settings settings;

    @Inject
    Event<RedisDisconnected> disconnected;

    @Inject
    Event<RedisConnectionClosed> connectionClosed;

    /**
     * How long a blocking read may take beyond its block before it counts as failed: what Redisson
     * gives its own blocking commands with our settings (the response timeout and a second more).
     */
    private static final Duration READ_SLACK = Duration.ofSeconds(2);

    private volatile RedissonClient client;
    private volatile boolean shuttingDown;

    /**
     * Creates the client on the deploying thread, before the beans that start threads of their own
     * use it. Once, a node's first creation on such a thread (which then had no context class
     * loader, see {@code AppThreads}) failed with an error that every later attempt repeated: the
     * node stayed unready for good. Created here, a failure fails the deployment instead. It
     * connects on first use ({@code lazyInitialization}), so a Redis that is away does not hold the start.
     */
    void createAtStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) @Initialized(ApplicationScoped.class) Object application) {
        client();
    }

    @Produces
    @ApplicationScoped
    RedissonClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    Config redisson = redissonConfig(settings);
                    redisson.setConnectionListener(new ConnectionListener() {
                        @Override
                        public void onConnect(InetSocketAddress address) {
                        }

                        @Override
                        public void onDisconnect(InetSocketAddress address) {
                            disconnected.fire(new RedisDisconnected(String.valueOf(address)));
                        }
                    });
                    redisson.setNettyHook(toldOfEveryClose(redisson.getNettyHook()));
                    quietNettyLeakDetector();
                    client = Redisson.create(redisson);
                }
            }
        }
        return client;
    }

    /** Redisson's own hook (or a {@code REDISSON_CONFIG} file's), and a {@link RedisConnectionClosed} for each connection that closes. */
    private NettyHook toldOfEveryClose(NettyHook configured) {
        return new NettyHook() {
            @Override
            public void afterBoostrapInitialization(Bootstrap bootstrap) {
                configured.afterBoostrapInitialization(bootstrap);
            }

            @Override
            public void afterChannelInitialization(Channel channel) {
                configured.afterChannelInitialization(channel);
                channel.closeFuture().addListener(closed -> {
                    RedisConnection connection = RedisConnection.getFrom(channel);
                    if (!shuttingDown && (connection == null || !connection.isClosedIdle())) {
                        connectionClosed.fire(new RedisConnectionClosed());
                    }
                });
            }
        };
    }

    /**
     * {@code XREAD COUNT count BLOCK block STREAMS key after}: up to {@code count} entries after
     * {@code after}, waiting up to {@code block} for the first (null or empty: none came). The
     * answer completes where the reply arrives (a Netty thread of the client, which must not wait
     * for anything there, Redis least of all); should the read's connection close, it fails only
     * when its response timeout ({@code block} and two seconds) ends, so a caller that must not
     * wait that long watches for {@link RedisConnectionClosed} itself.
     *
     * <p>Sent as Redisson's plain {@code XREAD}, not its blocking one ({@code RStream.read} with a
     * timeout). Redisson 4.7.0 ends every blocking command that succeeds by calling
     * {@code ServiceManager.isShuttingDown(null)}, which throws a {@code NullPointerException}
     * (wrapped in a {@code CompletionException}) on the Netty thread that read the reply: about
     * 2.5 % of a loaded node's CPU at 300 messages a second, where every read returns one entry,
     * and more of an idle node's (docs/bench/ROUND-4-NOTES.md, "Where a node's time goes"). As a
     * plain command it takes a pooled connection until Redis answers,
     * as the blocking one does; its response timeout covers the block. Redisson's connection ping
     * then queues behind the read on that connection and must not time out: keep {@code block}
     * well under the ping's timeout (at least 2.5 s with our settings), as a second at most does.
     */
    public CompletionStage<Map<StreamMessageId, Map<String, String>>> readStream(String key, StreamMessageId after,
                                                                                int count, Duration block) {
        return readStream(client(), key, after, count, block);
    }

    static CompletionStage<Map<StreamMessageId, Map<String, String>>> readStream(RedissonClient client, String key,
                                                                               StreamMessageId after, int count, Duration block) {
        CommandAsyncExecutor commands = ((Redisson) client).getCommandExecutor()
                .copy((ObjectParams) PlainOptions.name(key).timeout(block.plus(READ_SLACK)));
        return commands.readAsync(key, StringCodec.INSTANCE,
                RedisCommands.XREAD_SINGLE, "COUNT", count, "BLOCK", block.toMillis(), "STREAMS", key, after);
    }

    /**
     * Netty's leak detector (level SIMPLE unless told otherwise) records the allocation stack of one
     * pooled buffer in 128; with a buffer or two per Redis command that was 1.3 % of a busy node's
     * CPU in issue 16's profile, for a debugging aid. An operator hunting a leak sets
     * {@code -Dio.netty.leakDetection.level}, which is then left as it is. Only this application's
     * copy of Netty (inside the WAR) is affected.
     */
    static void quietNettyLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    @PreDestroy
    void shutdown() {
        shuttingDown = true; // its connections' closes concern no one, and CDI may be gone when the last come
        RedissonClient c = client;
        if (c != null) {
            c.shutdown(0, 2, TimeUnit.SECONDS);
            client = null;
        }
    }

    static Config redissonConfig(Settings settings) {
        Config config;
        if (settings.redissonConfigFile().isPresent()) {
            try {
                config = Config.fromYAML(new File(settings.redissonConfigFile().get()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read REDISSON_CONFIG " + settings.redissonConfigFile().get(), e);
            }
        } else {
            config = new Config();
            SingleServerConfig server = config.useSingleServer();
            applyUrl(server, settings.redisUrl());
            settings.redisPassword().ifPresent(server::setPassword);
            // Fail fast while Redis is away (requests answer 503 within 3 s), recover on its own.
            server.setTimeout(1000)
                    .setConnectTimeout(1000)
                    .setRetryAttempts(1)
                    .setRetryDelay(new ConstantDelay(Duration.ofMillis(300)))
                    .setConnectionMinimumIdleSize(2)
                    .setConnectionPoolSize(32)
                    .setSubscriptionConnectionMinimumIdleSize(1)
                    .setSubscriptionConnectionPoolSize(4)
                    .setPingConnectionInterval(5000);
            config.setNettyThreads(8);
        }
        // Everything shared with the seed demo is plain UTF-8 strings; never Kryo.
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        useEpoll(config, settings.redisEpoll());
        config.setKeepPubSubOrder(true); // messages of one sender reach every node in the order sent
        LOG.info(() -> "Redis: " + describe(config) + " over Netty's " + config.getTransportMode() + " transport");
        return config;
    }

    /**
     * Netty's epoll transport instead of Java's selector: a command written from a request thread
     * wakes the Netty thread through an eventfd and the reply comes back with fewer system calls,
     * which is most of a Redis round trip on an idle node (docs/bench/ROUND-4-NOTES.md, "Where a
     * node's time goes"). Where the native
     * library cannot load (another OS or CPU), the Java transport stays, and the log says which one runs.
     */
    static void useEpoll(Config config, boolean wanted) {
        if (wanted && Epoll.isAvailable()) {
            config.setTransportMode(TransportMode.EPOLL);
        } else if (wanted) {
            LOG.info(() -> "Redis: Netty's epoll transport is not available here (" + Epoll.unavailabilityCause() + ")");
        }
    }

    static void applyUrl(SingleServerConfig server, String url) {
        URI uri = URI.create(url); // its scheme and host are checked with the other settings
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        server.setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + port);
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            String user = decode(parts[0]);
            if (parts.length == 2) {
                server.setPassword(decode(parts[1]));
                if (!user.isEmpty() && !"default".equals(user)) {
                    server.setUsername(user);
                }
            } else {
                server.setPassword(user); // redis://secret@host: the seed's habit
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            server.setDatabase(Integer.parseInt(path.substring(1)));
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String describe(Config config) {
        if (config.isSingleConfig()) {
            return config.useSingleServer().getAddress();
        }
        return config.isSentinelConfig() ? "sentinel" : config.isClusterConfig() ? "cluster" : "custom";
    }
}
