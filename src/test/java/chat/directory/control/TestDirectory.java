package chat.directory.control;

import org.redisson.api.RedissonClient;

/** A {@link Directory} on a given Redis, for tests of other packages that build beans by hand. */
public final class TestDirectory {

    public static Directory on(RedissonClient redis) {
        Directory directory = new Directory();
        directory.redis = redis;
        return directory;
    }

    private TestDirectory() {
    }
}
