package chat.node;

import chat.operations.Metrics;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Liveness and readiness of this node. Live: the process answers (a restart would not help
 * with anything else). Ready: Redis answers a command within two seconds and the node has
 * joined the relay and hears the other nodes through it (not while it may be deaf or repairing
 * what it missed), so a load balancer sends nothing to a node that could answer 503 or miss messages.
 */
@ApplicationScoped
public class NodeHealth {

    private static final Logger LOG = Logger.getLogger(NodeHealth.class.getName());
    private static final long REDIS_TIMEOUT_MILLIS = 2000;

    @Inject
    RedissonClient redis;

    @Inject
    NodeLifecycle lifecycle;

    @Inject
    Metrics metrics;

    public Check live() {
        return new Check("node", true, "up", null);
    }

    public Check redis() {
        try {
            metrics.timeRedis("health_check", () -> {
                try {
                    return redis.getBucket(RedisKeys.HEALTH_PROBE, StringCodec.INSTANCE).isExistsAsync()
                            .toCompletableFuture().get(REDIS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new Check("redis", true, "answers", null);
        } catch (RuntimeException e) {
            LOG.fine(() -> "Redis gave the health check no answer: " + rootMessage(e));
            return new Check("redis", false, "no answer", rootCause(e).getClass().getSimpleName());
        }
    }

    public Check relay() {
        return new Check("relay", lifecycle.isReady(), lifecycle.readiness(), null);
    }

    /** The error and, when it wraps one, its innermost cause: a CDI or Redisson wrapper does not name what went wrong. */
    static String withRootCause(Throwable e) {
        return e.getCause() == null ? e.toString() : e + " caused by " + rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = rootCause(e);
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * One named check, as MicroProfile Health reports it; {@code cause}, when not null, is the kind of
     * error behind a failure (its class: Redisson's messages named the Redis's address, local ports and
     * pool, found from outside; they go to the log), told only to the node's own machine ({@link HealthServlet}).
     */
    public record Check(String name, boolean up, String detail, String cause) {
    }
}
