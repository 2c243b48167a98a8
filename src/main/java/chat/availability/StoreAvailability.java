package chat.availability;

import chat.config.AppThreads;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalConnections;
import chat.realtime.hub.OutboundEvent;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tells this node's sockets while the chat store (Redis) does not answer, so a browser can say
 * so at once instead of looking alive with frozen presence ({@code store} event, docs/PROTOCOL.md, "Store availability").
 * While Redis is away every check repeats {@code {"available":false}} (a socket opened meanwhile
 * learns it within one period); the first answer after that sends {@code {"available":true}} once.
 * The event goes straight to the local sockets: pub/sub is down with Redis.
 */
@ApplicationScoped
public class StoreAvailability {

    private static final Logger LOG = Logger.getLogger(StoreAvailability.class.getName());
    public static final String STORE = "store";
    private static final long PERIOD_MILLIS = 2000;

    @Inject
    RedissonClient redis;

    @Inject
    LocalConnections connections;

    private ScheduledExecutorService scheduler;
    private volatile boolean available = true;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> AppThreads.daemon("chat-store-availability", r));
        scheduler.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    public boolean available() {
        return available;
    }

    private void check() {
        boolean answers = answers();
        if (!answers) {
            if (available) {
                LOG.warning("The chat store (Redis) does not answer: telling this node's clients");
            }
            available = false;
            connections.sendToAll(new OutboundEvent(ChatEvent.frame(STORE, "{\"available\":false}")));
        } else if (!available) {
            available = true;
            LOG.info("The chat store (Redis) answers again");
            connections.sendToAll(new OutboundEvent(ChatEvent.frame(STORE, "{\"available\":true}")));
        }
    }

    private boolean answers() {
        try {
            redis.getBucket(RedisKeys.HEALTH_PROBE, StringCodec.INSTANCE).isExistsAsync()
                    .toCompletableFuture().get(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
