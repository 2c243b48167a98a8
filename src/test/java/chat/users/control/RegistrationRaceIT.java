package chat.users.control;

import chat.api.ChatError;
import chat.directory.control.TestDirectory;
import chat.redis.RedisKeys;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.text.NameFolding;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registration against what other requests may have done to the look-alike keys meanwhile, on a
 * real Redis. Every registration first claims the keys of the users registered just before it
 * (those the seed's servers wrote, too); the benchmark's 1,000 parallel sign-ups found that this
 * could claim a user's keys while that user was still registering, and turn the user away for good.
 */
class RegistrationRaceIT {

    @Test
    void keysAnotherRequestClaimedForTheNewUserAreItsOwn() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            Users users = users(probe.client());
            users.register("first", "hash");
            // Another request's indexing ran between this registration's new id and its claims.
            String nextId = String.valueOf(probe.client().getAtomicLong(RedisKeys.TOTAL_USERS).get() + 1);
            claim(probe.client(), "carol", nextId);

            assertEquals(nextId, users.register("carol", "hash").orElseThrow().id());
            assertEquals(nextId, users.idOf("carol").orElseThrow());
            assertEquals(409, assertThrows(ChatError.class, () -> users.register("caroI", "hash")).status(),
                    "the keys still tell carol's look-alikes apart");
        }
    }

    @Test
    void keysHeldByARegistrationThatGaveUpAreTakenOver() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            Users users = users(probe.client());
            users.register("first", "hash");
            claim(probe.client(), "dave", "999"); // user 999 does not exist (its registration was undone)

            String id = users.register("dave", "hash").orElseThrow().id();

            assertEquals(id, users.idOf("dave").orElseThrow());
            for (String key : NameFolding.lookAlikeKeys("dave")) {
                assertEquals(id, probe.client().getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE).get());
            }
        }
    }

    /**
     * Two nodes registering {@code Zoé} and {@code Zoe} at the same moment both passed the directory's
     * check (a read) and both were registered, after which neither could be signed in by its folded
     * name (found from outside). The look-alike keys drop accents now, so the atomic claim refuses the second.
     */
    @Test
    void aNameThatDiffersOnlyInAccentsIsRefusedByTheClaimItself() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            Users users = users(probe.client());
            users.register("Zoe", "hash").orElseThrow();
            assertEquals(409, assertThrows(ChatError.class, () -> users.register("Zoé", "hash")).status());
        }
    }

    /** Users indexed by a version with keys of an older kind (accents kept) get the new keys before the next registration. */
    @Test
    void usersIndexedWithAnOlderKindOfKeyAreIndexedAgain() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            RedissonClient client = probe.client();
            client.getMap(RedisKeys.user("1"), StringCodec.INSTANCE).put("username", "Pablo");
            client.getAtomicLong(RedisKeys.TOTAL_USERS).set(1);
            client.getBucket("chat:username-skeletons-indexed", StringCodec.INSTANCE).set("1"); // the older index: Pablo seen
            client.getBucket(RedisKeys.usernameSkeleton("pabio"), StringCodec.INSTANCE).set("1"); // an older kind of key

            assertEquals(409, assertThrows(ChatError.class, () -> users(client).register("P\u0430bló", "hash")).status(),
                    "a Cyrillic a and an acute");
        }
    }

    /** The counter behind (restored from an older snapshot) or gone (evicted): the next user still gets an id of its own. */
    @Test
    void aCounterBehindItsUsersNumbersNoOneOverAnExistingUser() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            Users users = users(probe.client());
            users.register("first", "hash-1").orElseThrow();
            users.register("second", "hash-2").orElseThrow();
            probe.client().getBucket(RedisKeys.TOTAL_USERS, StringCodec.INSTANCE).set("1");

            assertEquals("3", users.register("third", "hash-3").orElseThrow().id());
            assertEquals("second", probe.hash(RedisKeys.user("2")).get("username"));
            assertEquals("hash-2", probe.hash(RedisKeys.user("2")).get("password"));

            probe.client().getBucket(RedisKeys.TOTAL_USERS, StringCodec.INSTANCE).delete();
            assertTrue(users.anyRegistered(), "a lost counter is no empty Redis");
            assertEquals("4", users.register("fourth", "hash-4").orElseThrow().id());
        }
    }

    /** Found from outside: the newest user's hash and rooms gone with the counter, their name and sessions not. */
    @Test
    void anIdWhoseNameOrSessionsRemainIsNotHandedOutAgain() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            RedissonClient client = probe.client();
            Users users = users(client);
            users.register("first", "hash-1").orElseThrow();
            users.register("alex", "hash-2").orElseThrow();
            users.register("mary", "hash-3").orElseThrow();
            client.getScoredSortedSet(RedisKeys.sessionsOfUser("3"), StringCodec.INSTANCE).add(1, "a-session-of-marys");
            client.getKeys().delete(RedisKeys.TOTAL_USERS, RedisKeys.user("2"), RedisKeys.userRooms("2"), RedisKeys.user("3"),
                    RedisKeys.userRooms("3"));

            assertEquals("4", users.register("newcomer", "hash-4").orElseThrow().id(), "alex's name and mary's sessions remain");
        }
    }

    /**
     * The seed's servers count a user up first and write its hash after. A registration that looked in
     * between passed the new id over for good, and a look-alike of the name written then was registered.
     */
    @Test
    void aUserCountedButNotYetWrittenIsLookedAtAgain() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            RedissonClient client = probe.client();
            Users users = users(client);
            users.register("first", "hash-1").orElseThrow();
            String seeds = String.valueOf(client.getAtomicLong(RedisKeys.TOTAL_USERS).incrementAndGet()); // a seed server's INCR
            users.register("trigger", "hash").orElseThrow();
            client.getMap(RedisKeys.user(seeds), StringCodec.INSTANCE).put("username", "Zoe"); // its HSET, a moment later
            client.getBucket(RedisKeys.usernameToUser("Zoe"), StringCodec.INSTANCE).set(RedisKeys.user(seeds));

            assertEquals(409, assertThrows(ChatError.class, () -> users.register("Z\u043e\u0435", "hash")).status(),
                    "Cyrillic o and e");
        }
    }

    private static Users users(RedissonClient redis) {
        Users users = new Users();
        users.redis = redis;
        users.directory = TestDirectory.on(redis);
        return users;
    }

    private static void claim(RedissonClient redis, String name, String id) {
        // What indexing leaves behind: it claimed for an id whose hash it read (the registration writes its hash before
        // its claims; not written here, since the registration writes its hash only where none is).
        NameFolding.lookAlikeKeys(name).forEach(key -> redis.getBucket(RedisKeys.usernameSkeleton(key), StringCodec.INSTANCE).set(id));
        redis.getBucket(RedisKeys.USER_LOOK_ALIKES_INDEXED_UP_TO, StringCodec.INSTANCE).set(id.equals("999") ? "1" : id);
    }
}
