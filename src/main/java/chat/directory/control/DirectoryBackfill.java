package chat.directory.control;

import chat.config.AppThreads;
import chat.directory.entity.DirectoryEntry;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Puts users into the directory that were registered where the directory is not known: by the
 * seed's servers, or by a version of ours before it. Once at start-up, by one node at a time:
 * the node that takes the lock SCANs {@code username:*} in batches and leaves the lock to expire,
 * so a fleet restarting together scans once per ten minutes, not once per node. Users
 * registered by a seed node later enter the directory when they first log in here.
 */
@ApplicationScoped
public class DirectoryBackfill {

    private static final Logger LOG = Logger.getLogger(DirectoryBackfill.class.getName());
    private static final Duration LOCK = Duration.ofMinutes(10);
    private static final int BATCH = 500;

    @Inject
    RedissonClient redis;

    @Inject
    Directory directory;

    private ScheduledExecutorService scheduler;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> AppThreads.daemon("chat-directory-backfill", r));
        scheduler.schedule(this::attempt, 0, TimeUnit.SECONDS);
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Retried every five seconds until Redis answers. */
    private void attempt() {
        try {
            if (redis.getBucket(RedisKeys.DIRECTORY_BACKFILL_LOCK, StringCodec.INSTANCE).setIfAbsent("1", LOCK)) {
                int added = backfill();
                LOG.info(() -> "Directory back-filled: " + added + " users");
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "Directory back-fill postponed: " + e);
            scheduler.schedule(this::attempt, 5, TimeUnit.SECONDS);
        }
    }

    int backfill() {
        int added = 0;
        List<String> keys = new ArrayList<>(BATCH);
        for (String key : redis.getKeys().getKeys(KeysScanOptions.defaults().pattern("username:*").chunkSize(BATCH))) {
            keys.add(key);
            if (keys.size() == BATCH) {
                added += addBatch(keys);
                keys.clear();
            }
        }
        return added + addBatch(keys);
    }

    private int addBatch(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        RBatch batch = redis.createBatch();
        List<RFuture<Object>> refs = new ArrayList<>();
        for (String key : keys) {
            refs.add(batch.getBucket(key, StringCodec.INSTANCE).getAsync());
        }
        batch.execute();
        List<DirectoryEntry> users = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Object ref = refs.get(i).toCompletableFuture().join();
            if (ref != null) {
                String id = ref.toString().startsWith("user:") ? ref.toString().substring(5) : ref.toString();
                users.add(new DirectoryEntry(id, keys.get(i).substring("username:".length()), false));
            }
        }
        directory.addAll(users);
        return users.size();
    }
}
