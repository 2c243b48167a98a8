package chat.rooms.control;

import chat.api.ChatError;
import chat.redis.LookAlikeIndex;
import chat.redis.RedisKeys;
import chat.text.NameFolding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which channel holds a name, in {@code chat:channel-names} (docs/PROTOCOL.md, "Channels"): the
 * lower-cased name, so names are unique whatever their case, and each of the name's look-alike
 * keys ({@link NameFolding#lookAlikeKeys}, as for user names), so that {@code dеsign} with a
 * Cyrillic е, a fullwidth {@code ｄｅｓｉｇｎ} or {@code design} with a Hangul filler cannot sit in
 * the channel list beside {@code design} and pass for it. Archived channels keep their names.
 * A name never holds a line break, so the look-alike fields ({@code look-alike\n<key>}) never
 * meet a name's. One hash, so each script touches one key and runs on a Redis Cluster.
 */
@ApplicationScoped
public class ChannelNames {

    private static final String LOOK_ALIKE = "look-alike\n";

    // KEYS[1]: chat:channel-names. ARGV[1]: the channel's id, ARGV[2]: its lower-cased name, ARGV[3..]: its look-alike
    // fields. A channel keeps what it holds already (renaming "design" to "Design"). Returns 'N' when another channel has
    // the name, 'L' when another shares a look-alike key, 'OK' once all are the channel's; nothing is written unless 'OK'.
    private static final String CLAIM = """
            local named = redis.call('HGET', KEYS[1], ARGV[2])
            if named and named ~= ARGV[1] then return 'N' end
            for i = 3, #ARGV do
              local holder = redis.call('HGET', KEYS[1], ARGV[i])
              if holder and holder ~= ARGV[1] then return 'L' end
            end
            for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
            return 'OK'
            """;

    // KEYS[1]: chat:channel-names. Deletes those of the fields ARGV[2..] that the channel ARGV[1] holds.
    private static final String RELEASE = """
            for i = 2, #ARGV do
              if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
            end
            return 0
            """;

    /**
     * Channels created since the last look: those named by a version of ours without look-alike
     * keys hold only their lower-cased names; ours claim their keys as they are created.
     */
    private static final LookAlikeIndex CHANNELS_SINCE_LAST_LOOK = new LookAlikeIndex(RedisKeys.CHANNEL_NAMES_INDEXED_UP_TO) {
        @Override
        protected RFuture<String> name(RBatch batch, long n) {
            return batch.<String>getBucket(RedisKeys.roomName(RoomId.channel(n)), StringCodec.INSTANCE).getAsync();
        }

        @Override
        protected void claimIfFree(RBatch batch, String key, long n) {
            batch.<String, String>getMap(RedisKeys.CHANNEL_NAMES, StringCodec.INSTANCE).fastPutIfAbsentAsync(LOOK_ALIKE + key, RoomId.channel(n));
        }
    };

    @Inject
    RedissonClient redis;

    @Inject
    Rooms rooms;

    /**
     * Gives the channel this name (it may hold it already), or refuses it with 409 if another channel has it or looks
     * like it, or if it is or looks like the name of the room everyone is in (a channel "General" beside General).
     */
    void claim(String id, String name) {
        Set<String> fields = fields(name);
        Set<String> everyones = fields(rooms.name(RedisKeys.GENERAL_ROOM_ID).orElseThrow());
        if (everyones.contains(lowerCased(name))) {
            throw new ChatError(409, "'" + name + "' is the name of the room everyone is in");
        }
        if (!Collections.disjoint(everyones, fields)) {
            throw new ChatError(409, "'" + name + "' looks like the name of the room everyone is in");
        }
        CHANNELS_SINCE_LAST_LOOK.catchUp(redis, redis.getAtomicLong(RedisKeys.CHANNEL_SEQUENCE).get());
        List<Object> arguments = new ArrayList<>();
        arguments.add(id);
        arguments.addAll(fields);
        String answer = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, CLAIM, RScript.ReturnType.VALUE,
                List.of(RedisKeys.CHANNEL_NAMES), arguments.toArray());
        switch (answer) {
            case "OK" -> {
            }
            case "N" -> throw new ChatError(409, "A channel named '" + name + "' already exists");
            // Says nothing of the other channel's name: it may be private.
            case "L" -> throw new ChatError(409, "'" + name + "' looks like the name of another channel");
            default -> throw new IllegalStateException("The name claim answered " + answer);
        }
    }

    /** The channel is called {@code to} now instead of {@code from}: claims the new name, then gives up what only the old one needed. */
    void rename(String id, String from, String to) {
        claim(id, to);
        Set<String> released = fields(from);
        released.removeAll(fields(to));
        release(id, released);
    }

    /** Gives up the name (a creation undone). */
    void release(String id, String name) {
        release(id, fields(name));
    }

    private void release(String id, Set<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        List<Object> arguments = new ArrayList<>();
        arguments.add(id);
        arguments.addAll(fields);
        redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, RELEASE, RScript.ReturnType.LONG,
                List.of(RedisKeys.CHANNEL_NAMES), arguments.toArray());
    }

    /** The lower-cased name (unique whatever its case) and its look-alike fields. */
    static Set<String> fields(String name) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add(lowerCased(name));
        NameFolding.lookAlikeKeys(name).forEach(key -> fields.add(LOOK_ALIKE + key));
        return fields;
    }

    static String lowerCased(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
