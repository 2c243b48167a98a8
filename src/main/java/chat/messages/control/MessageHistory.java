package chat.messages.control;

import chat.messages.entity.ChatMessage;
import chat.messages.entity.Draft;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.messages.entity.StoredMessage;
import chat.redis.RedisKeys;
import chat.rooms.control.RoomId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScript;
import org.redisson.client.protocol.ScoredEntry;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** A room's messages: the sorted set {@code room:{id}}, scored by Unix seconds, as the seed keeps it. */
@ApplicationScoped
public class MessageHistory {

    private static final Logger LOG = Logger.getLogger(MessageHistory.class.getName());
    /** Catch-up also looks this far before the last seen message, for nodes whose clocks differ a little. */
    private static final long CLOCK_SKEW_SECONDS = 60;
    /** Candidates read beyond the limit, for the skew window's older messages that are filtered out. */
    private static final int SKEW_ALLOWANCE = 1000;
    /** Edits and deletions remembered per room for catch-up; a client away for longer reloads the room's pages. */
    private static final int CHANGES_KEPT = 10_000;
    /** Seconds of a room read in one round trip when looking messages up by id: a busy second holds hundreds. */
    private static final int SECONDS_AT_A_TIME = 16;
    /**
     * In a channel (KEYS[2] the channel, KEYS[3] its members), an edit or a deletion is made only while the
     * channel is open and its maker ARGV[4] a member: -1 otherwise. Checked before the script, an edit started
     * as the channel was archived was stored after the archiving had been answered (found from outside).
     */
    private static final String WRITABLE = """
            if #KEYS == 3 and (redis.call('HEXISTS', KEYS[2], 'archived') == 1
                or redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 0) then return -1 end
            """;

    /** Compare-and-set of one member: same score, new JSON; 0 when the old JSON is no longer there. */
    private static final String REPLACE = WRITABLE + """
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
            return 1
            """;

    // KEYS[1]: room:{id}. ARGV[1]: the message's score, ARGV[2]: its id, ARGV[3]: its tombstone. The message becomes the
    // tombstone whatever state it is in now (an edit may have changed it since it was read): 1; 0 when it is one already.
    private static final String DELETE = WRITABLE + """
            for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do
              local ok, message = pcall(cjson.decode, member)
              if ok and type(message) == 'table' and message.id == ARGV[2] then
                if message.deleted == true then return 0 end
                redis.call('ZREM', KEYS[1], member)
                redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
                return 1
              end
            end
            return 0
            """;

    @Inject
    RedissonClient redis;

    Clock clock = Clock.systemUTC();

    /** Stores a new message and returns it with its id and date; it is in Redis before anyone hears of it. */
    public StoredMessage store(String from, String roomId, String text) {
        return store(draft(from, roomId, text));
    }

    public StoredMessage store(Draft draft) {
        StoredMessage stored = draft.withSequence(redis.getAtomicLong(RedisKeys.MESSAGE_SEQUENCE).incrementAndGet());
        room(draft.roomId()).add(draft.date(), stored.json());
        return stored;
    }

    /** A new message before it has drawn its sequence number (for a script that draws it and stores the message itself). */
    public Draft draft(String from, String roomId, String text) {
        return MessageCodec.draft(from, roomId, text, clock.millis() / 1000);
    }

    public boolean hasMessages(String roomId) {
        return room(roomId).isExists();
    }

    /** Newest first, exactly {@code size} (or fewer at the end), like the seed's ZREVRANGE. */
    public List<ChatMessage> page(String roomId, int offset, int size) {
        return parseAll(room(roomId).valueRangeReversed(offset, offset + size - 1));
    }

    /**
     * The first {@code limit} messages newer than {@code lastSeen}, oldest first; before them, in
     * their current state, the older messages edited or deleted since then, the newest {@code limit}
     * of those changes (a client that was away learns of them too). The caller asks again after the last one for the rest: a client far
     * behind in a busy room costs a bounded amount of memory per call.
     */
    public List<ChatMessage> after(String roomId, MessageId lastSeen, int limit) {
        long since = lastSeen.date() - CLOCK_SKEW_SECONDS;
        RBatch batch = redis.createBatch();
        RFuture<Collection<String>> candidates = batch.<String>getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE)
                .valueRangeAsync(since, true, Double.POSITIVE_INFINITY, true, 0, limit + SKEW_ALLOWANCE);
        // The newest changes only, as many as the limit: a room keeps 10,000, and a client far behind reloads its pages.
        RFuture<Collection<String>> changed = batch.<String>getScoredSortedSet(RedisKeys.roomChanges(roomId), StringCodec.INSTANCE)
                .valueRangeReversedAsync(since, true, Double.POSITIVE_INFINITY, true, 0, limit);
        batch.execute();
        List<ChatMessage> newerUnsorted = new ArrayList<>();
        Collection<String> page = candidates.toCompletableFuture().join();
        // The skew window before lastSeen may hold more than one read's worth (a busy minute): read on, a page at a time.
        for (int offset = 0; ; ) {
            parseAll(page).stream().filter(m -> isNewer(m, lastSeen)).forEach(newerUnsorted::add);
            offset += page.size();
            if (newerUnsorted.size() >= limit || page.size() < limit + SKEW_ALLOWANCE) {
                break;
            }
            page = room(roomId).valueRange(since, true, Double.POSITIVE_INFINITY, true, offset, limit + SKEW_ALLOWANCE);
        }
        List<ChatMessage> newer = newerUnsorted.stream()
                .sorted(Comparator.comparing((ChatMessage m) -> m.date())
                        .thenComparingLong(m -> MessageId.parse(m.id()).map(MessageId::sequence).orElse(0L)))
                .limit(limit).toList();
        Set<String> included = newer.stream().map(ChatMessage::id).filter(Objects::nonNull).collect(Collectors.toSet());
        List<MessageId> older = changed.toCompletableFuture().join().stream().filter(id -> !included.contains(id))
                .map(MessageId::parse).flatMap(Optional::stream).toList();
        List<ChatMessage> all = new ArrayList<>(newer);
        findAll(roomId, older).forEach(found -> all.add(found.message()));
        all.sort(Comparator.comparing((ChatMessage m) -> m.date())
                .thenComparingLong(m -> MessageId.parse(m.id()).map(MessageId::sequence).orElse(0L)));
        return all;
    }

    /** A message with an id of ours as it is stored now: its JSON and score, to replace it. */
    public Optional<Found> find(String roomId, MessageId id) {
        return findAll(roomId, List.of(id)).stream().findFirst();
    }

    /**
     * The messages with these ids that exist, looked up by their second (the score), each second
     * read once however many of its messages are asked for, a few seconds to a round trip: a room
     * with thousands of deletions made in a burst had each of its busy seconds read again for every
     * one of them, all in one batch.
     */
    private List<Found> findAll(String roomId, List<MessageId> ids) {
        Map<Long, List<MessageId>> bySecond = ids.stream()
                .collect(Collectors.groupingBy(MessageId::date, LinkedHashMap::new, Collectors.toList()));
        List<Long> seconds = List.copyOf(bySecond.keySet());
        List<Found> found = new ArrayList<>();
        for (int first = 0; first < seconds.size(); first += SECONDS_AT_A_TIME) {
            List<Long> some = seconds.subList(first, Math.min(seconds.size(), first + SECONDS_AT_A_TIME));
            RBatch batch = redis.createBatch();
            List<RFuture<Collection<ScoredEntry<String>>>> stored = new ArrayList<>();
            for (long second : some) {
                stored.add(batch.<String>getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE)
                        .entryRangeAsync(second, true, second, true));
            }
            batch.execute();
            for (int i = 0; i < some.size(); i++) {
                Collection<ScoredEntry<String>> entries = stored.get(i).toCompletableFuture().join();
                for (MessageId id : bySecond.get(some.get(i))) {
                    String prefix = "{\"id\":\"" + id + "\"";
                    entries.stream().filter(entry -> entry.getValue().startsWith(prefix)).findFirst().ifPresent(entry ->
                            MessageCodec.parse(entry.getValue()).ifPresent(m -> found.add(new Found(m, entry.getValue(), entry.getScore()))));
                }
            }
        }
        return found;
    }

    /** What a change of a stored message came to. */
    public enum Change {
        MADE,
        /** An edit: the message is no longer stored as read (someone changed it meanwhile). A deletion: it was deleted already. */
        NOT_MADE,
        /** In a channel: archived, or its maker no longer a member, at the moment of the change. */
        NOT_WRITABLE
    }

    /**
     * Replaces a stored message by its new state under the same score, if it is still stored as
     * read, in the same step as {@link #WRITABLE}'s check for {@code by}; then notes the change for catch-up.
     */
    public Change replace(Found current, ChatMessage changed, String by, long changedAtSeconds) {
        return change(REPLACE, changed, by, changedAtSeconds, current.json(), MessageCodec.toJson(changed), String.valueOf(current.score()));
    }

    /**
     * Replaces a stored message by its tombstone under the same score, whatever its text is now; then notes the change
     * for catch-up. False when it was deleted already. Unlike an edit, a deletion does not depend on the text it
     * replaces: as a compare-and-set, a stream of edits by the author (within the message limit) kept a channel
     * creator's deletion failing with 409 (found from outside).
     */
    public Change delete(Found current, ChatMessage tombstone, String by, long changedAtSeconds) {
        return change(DELETE, tombstone, by, changedAtSeconds, String.valueOf(current.score()), tombstone.id(), MessageCodec.toJson(tombstone));
    }

    private Change change(String script, ChatMessage changed, String by, long changedAtSeconds, String... args) {
        String roomId = changed.roomId();
        String key = RedisKeys.room(roomId);
        List<Object> keys = RoomId.isChannel(roomId) && !redis.getConfig().isClusterConfig() // other shards there
                ? List.of(key, RedisKeys.channel(roomId), RedisKeys.channelMembers(roomId)) : List.of(key);
        Long result = redis.getScript(StringCodec.INSTANCE).eval(key, RScript.Mode.READ_WRITE, script, RScript.ReturnType.LONG,
                keys, args[0], args[1], args[2], by);
        if (result != null && result < 0) {
            return Change.NOT_WRITABLE;
        }
        if (result == null || result == 0) {
            return Change.NOT_MADE;
        }
        noteChange(changed, changedAtSeconds);
        return Change.MADE;
    }

    private void noteChange(ChatMessage changed, long changedAtSeconds) {
        RBatch batch = redis.createBatch();
        var changes = batch.<String>getScoredSortedSet(RedisKeys.roomChanges(changed.roomId()), StringCodec.INSTANCE);
        changes.addAsync(changedAtSeconds, changed.id());
        changes.removeRangeByRankAsync(0, -CHANGES_KEPT - 1);
        batch.execute();
    }

    private static boolean isNewer(ChatMessage message, MessageId lastSeen) {
        Optional<MessageId> id = MessageId.parse(message.id());
        if (id.isPresent()) {
            return id.get().sequence() > lastSeen.sequence();
        }
        // Written by a seed node: no sequence, its second is all we know, so one of the same second may come after
        // lastSeen (a client may hold it already, and tells it apart by sender, date and text: docs/PROTOCOL.md, "Messages").
        return message.date().compareTo(BigDecimal.valueOf(lastSeen.date())) >= 0;
    }

    private List<ChatMessage> parseAll(Collection<String> members) {
        return members.stream().map(member -> {
            Optional<ChatMessage> parsed = MessageCodec.parse(member);
            if (parsed.isEmpty()) {
                LOG.warning(() -> "Skipping a malformed message in Redis: " + abbreviate(member));
            }
            return parsed;
        }).flatMap(Optional::stream).toList();
    }

    private RScoredSortedSet<String> room(String roomId) {
        return redis.getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** A message as found in Redis: parsed, its exact member JSON, and its score. */
    public record Found(ChatMessage message, String json, double score) {
    }
}
