package chat.redis;

import chat.text.NameFolding;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Claims the look-alike keys ({@link NameFolding#lookAlikeKeys}) of names whose owners are
 * numbered 1, 2, 3, ... (users, channels), from where the last look stopped, in batches: names
 * written without their keys (by the seed's servers, by an older version of ours) are covered
 * before the next new name is checked. The first owner of a key keeps it, so looking at a number
 * twice changes nothing.
 */
public abstract class LookAlikeIndex {

    private static final int BATCH = 500;
    /**
     * A number this near the newest without a name may still get one: the seed's servers (and ours)
     * count the owner up first and write its name after. Passed over, it was never looked at again,
     * and a look-alike of the name written a moment later was registered (found from outside). So
     * the look stops before it and reads it again next time; older holes (owners removed) are passed.
     */
    private static final long STILL_BEING_WRITTEN = 64;

    private final String indexedUpTo;

    /** @param indexedUpTo the key that holds the last number looked at */
    protected LookAlikeIndex(String indexedUpTo) {
        this.indexedUpTo = indexedUpTo;
    }

    /** Reads owner {@code n}'s name in the batch (null when there is none). */
    protected abstract RFuture<String> name(RBatch batch, long n);

    /** Claims the look-alike key for owner {@code n} in the batch, unless another owner holds it. */
    protected abstract void claimIfFree(RBatch batch, String key, long n);

    /** Looks at the owners numbered after the last look, up to {@code newest}. */
    public void catchUp(RedissonClient redis, long newest) {
        RBucket<String> indexed = redis.getBucket(indexedUpTo, StringCodec.INSTANCE);
        long from = Optional.ofNullable(indexed.get()).map(Long::parseLong).orElse(0L) + 1;
        for (long start = from; start <= newest; start += BATCH) {
            long end = Math.min(newest, start + BATCH - 1);
            RBatch read = redis.createBatch();
            List<RFuture<String>> names = new ArrayList<>();
            for (long n = start; n <= end; n++) {
                names.add(name(read, n));
            }
            read.execute();
            RBatch claim = redis.createBatch();
            long lookedAt = end;
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).toCompletableFuture().join();
                if (name != null) {
                    for (String key : NameFolding.lookAlikeKeys(name)) {
                        claimIfFree(claim, key, start + i);
                    }
                } else if (start + i > newest - STILL_BEING_WRITTEN && lookedAt == end) {
                    lookedAt = start + i - 1;
                }
            }
            claim.execute();
            indexed.set(String.valueOf(lookedAt));
            if (lookedAt < end) {
                return;
            }
        }
    }
}
