package chat.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;

/**
 * Redis without its data (restarted without persistence, flushed) starts the users' ids over, while
 * sockets of the users it forgot may still be open on some node: the next account registered would
 * get one of their ids, and such a socket would receive what is meant for the new user and could post
 * as them. Every node looks at the message epoch every second and, when it changed, closes its sockets
 * whose sessions went with the data ({@code MessageLog}, {@code NodeLifecycle}); until all of them can
 * have done so, registering is refused: from the moment the data is gone (no epoch) until
 * {@link #SETTLING} after a node noticed (docs/RELIABILITY.md, "Redis without its data").
 */
@ApplicationScoped
public class StoreReset {

    /** Each node's next look at the epoch (every second) and its sweep of sockets, with room to spare. */
    public static final Duration SETTLING = Duration.ofSeconds(5);

    @Inject
    RedissonClient redis;

    /** Called by a node that found the epoch gone, before it writes a new one. */
    public void noticed() {
        redis.getBucket(RedisKeys.STORE_RESET, StringCodec.INSTANCE).set("1", SETTLING);
    }

    /** Whether the data is gone and the nodes may not have closed the sockets of the users it held. */
    public boolean settling() {
        RBatch batch = redis.createBatch();
        RFuture<Boolean> epoch = batch.getBucket(RedisKeys.MESSAGE_EPOCH, StringCodec.INSTANCE).isExistsAsync();
        RFuture<Boolean> reset = batch.getBucket(RedisKeys.STORE_RESET, StringCodec.INSTANCE).isExistsAsync();
        batch.execute();
        return !epoch.toCompletableFuture().join() || reset.toCompletableFuture().join();
    }
}
