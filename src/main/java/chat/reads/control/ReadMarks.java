package chat.reads.control;

import chat.api.ChatError;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.messages.entity.ChatMessage;
import chat.reads.entity.ReadState;
import chat.redis.RedisKeys;
import chat.rooms.entity.Room;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RMap;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read state on the server (docs/PROTOCOL.md, "Read state"): per user a hash {@code chat:read:<user>}
 * of room id → id of the last message read, so every tab and device of the user, and the user
 * after logging back in, counts the same unread messages. A room never read counts from the
 * user's baseline (field {@code *}), set when their read state is first asked for: the history
 * from before a user's first login is not news to them.
 */
@ApplicationScoped
public class ReadMarks {

    /** Unread counts stop here (the client shows "99+"): counting costs one bounded range per room. */
    public static final int COUNT_CAP = 100;
    /** Rooms whose newest messages are in memory at once: each read is up to 3 x COUNT_CAP messages of up to 20 KB. */
    private static final int ROOMS_AT_A_TIME = 4;
    /** Messages read from a room at a time, newest first: the counts look at the newest this many others wrote. */
    private static final int PAGE = 3 * COUNT_CAP;
    /** Pages read at most, while deleted messages and the user's own fill them. */
    private static final int MOST_PAGES = 10;
    static final String BASELINE = "*";
    /** Messages stored by another node up to this long before the marker's second may still be newer. */
    private static final long CLOCK_SKEW_SECONDS = 60;

    // KEYS: the user's marks. ARGV: room, marker. Moves the marker only forward; 1 when it moved.
    // A marker "<date>-<seq>" with seq 0 marks a second (messages the seed's servers wrote have no sequence).
    private static final String ADVANCE = """
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current then
              local cd, cs = string.match(current, '^(%d+)-(%d+)$')
              local nd, ns = string.match(ARGV[2], '^(%d+)-(%d+)$')
              cd, cs, nd, ns = tonumber(cd), tonumber(cs), tonumber(nd), tonumber(ns)
              if cs > 0 and ns > 0 then
                if ns <= cs then return 0 end
              elseif nd <= cd then return 0 end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """;

    @Inject
    RedissonClient redis;

    Clock clock = Clock.systemUTC();

    /**
     * Moves the user's marker in the room forward to {@code messageId}; false when it already was there or beyond.
     * A marker only moves forward, so one naming no message (a second or a sequence number yet to come) would hide
     * the room's next messages from the unread count for good: it is refused (400).
     */
    public boolean advance(String userId, String roomId, MessageId messageId) {
        if (!exists(roomId, messageId)) {
            throw ChatError.badRequest("'messageId' names no message of this room");
        }
        Long moved = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, ADVANCE, RScript.ReturnType.LONG,
                List.of(RedisKeys.readMarks(userId)), roomId, messageId.toString());
        return moved != null && moved == 1;
    }

    /**
     * Whether the room holds the message, or for a marker of a whole second ({@code <date>-0}, the seed's messages have
     * no id) a seed server's message of that second: over ours it would hide those posted later in the same second.
     * A separate read, not part of ADVANCE's script: on a Redis Cluster the room and
     * the user's marks live on different shards. Messages are never removed (an edit replaces one in a single step).
     */
    private boolean exists(String roomId, MessageId messageId) {
        Collection<String> thatSecond = redis.<String>getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE)
                .valueRange(messageId.date(), true, messageId.date() + 1, false);
        String id = messageId.toString();
        return messageId.sequence() == 0 ? thatSecond.stream().anyMatch(ReadMarks::withoutOurId)
                : thatSecond.stream().anyMatch(json -> MessageCodec.parse(json).filter(message -> id.equals(message.id())).isPresent());
    }

    /** A seed server's message: a marker of its whole second is how a client names it. */
    private static boolean withoutOurId(String json) {
        return MessageCodec.parse(json).filter(message -> MessageId.parse(message.id()).map(MessageId::sequence).orElse(0L) == 0)
                .isPresent();
    }

    /** Whether that changed anything. */
    public boolean mute(String userId, String roomId, boolean muted) {
        var set = redis.<String>getSet(RedisKeys.mutedRooms(userId), StringCodec.INSTANCE);
        return muted ? set.add(roomId) : set.remove(roomId);
    }

    /** The read state of each of the user's rooms, in one batch for the markers and one for the rooms' newest messages. */
    public Map<String, ReadState> states(String userId, String username, Collection<Room> rooms) {
        RMap<String, String> marks = redis.getMap(RedisKeys.readMarks(userId), StringCodec.INSTANCE);
        Map<String, String> known = marks.readAllMap();
        String baseline = known.get(BASELINE);
        if (baseline == null) {
            String now = new MessageId(clock.millis() / 1000, currentSequence()).toString();
            baseline = Optional.ofNullable(marks.putIfAbsent(BASELINE, now)).orElse(now);
        }
        Set<String> muted = redis.<String>getSet(RedisKeys.mutedRooms(userId), StringCodec.INSTANCE).readAll();
        Mentions mention = Mentions.of(username);
        Map<String, ReadState> states = new LinkedHashMap<>();
        List<Room> all = List.copyOf(rooms);
        // A few rooms at a time: a user in 100 channels of long messages had 100 times 300 of them in memory at once.
        for (int first = 0; first < all.size(); first += ROOMS_AT_A_TIME) {
            List<Room> some = all.subList(first, Math.min(all.size(), first + ROOMS_AT_A_TIME));
            RBatch batch = redis.createBatch();
            List<RFuture<Collection<String>>> newer = new ArrayList<>();
            List<MessageId> from = new ArrayList<>();
            for (Room room : some) {
                MessageId marker = MessageId.parse(known.getOrDefault(room.id(), baseline)).orElseThrow();
                from.add(marker);
                // The newest first: read oldest first from the marker's minute, a room that had 300 messages in that
                // minute counted nothing after them (unread 0 with three new messages and a mention; found from outside).
                newer.add(batch.<String>getScoredSortedSet(RedisKeys.room(room.id()), StringCodec.INSTANCE)
                        .valueRangeReversedAsync(marker.date() - CLOCK_SKEW_SECONDS, true, Double.POSITIVE_INFINITY, true, 0, PAGE));
            }
            batch.execute();
            for (int i = 0; i < some.size(); i++) {
                List<ChatMessage> others = othersMessages(some.get(i).id(), from.get(i), userId, newer.get(i).toCompletableFuture().join());
                states.put(some.get(i).id(), state(from.get(i), others, mention, muted.contains(some.get(i).id())));
            }
        }
        return states;
    }

    /**
     * The newest {@link #PAGE} messages of the room from others, not deleted, read a page at a time from the newest
     * page on: counted in the newest page alone, 300 messages deleted (or the user's own) after a mention made unread
     * and mentions 0 (found from outside: anyone in a public channel could clear everyone's counts so). At most
     * {@link #MOST_PAGES} pages; only what counts is kept.
     */
    private List<ChatMessage> othersMessages(String roomId, MessageId marker, String userId, Collection<String> newestPage) {
        List<ChatMessage> others = new ArrayList<>();
        Set<String> seen = new HashSet<>(); // ids: a message posted meanwhile moves the next page's entries by one
        Collection<String> page = newestPage;
        for (int pages = 1; ; pages++) {
            for (String json : page) {
                MessageCodec.parse(json).filter(m -> m.id() == null || seen.add(m.id()))
                        .filter(m -> !userId.equals(m.from()) && !Boolean.TRUE.equals(m.deleted())).ifPresent(others::add);
            }
            if (page.size() < PAGE || others.size() >= PAGE || pages == MOST_PAGES) {
                return others;
            }
            page = redis.<String>getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE)
                    .valueRangeReversed(marker.date() - CLOCK_SKEW_SECONDS, true, Double.POSITIVE_INFINITY, true, pages * PAGE, PAGE);
        }
    }

    /**
     * Each count stops at {@link #COUNT_CAP} on its own: mentions counted only among the first hundred unread
     * missed one older than the newest hundred (unread 100, mentions 0; found from outside).
     */
    private static ReadState state(MessageId marker, List<ChatMessage> others, Mentions mention, boolean muted) {
        int unread = 0;
        int mentions = 0;
        for (ChatMessage message : others) {
            if (isNewer(message, marker)) {
                unread++;
                if (mention.in(message.message())) {
                    mentions++;
                }
            }
        }
        return new ReadState(marker.toString(), Math.min(unread, COUNT_CAP), Math.min(mentions, COUNT_CAP), muted);
    }

    /** As ADVANCE compares: by sequence when both have one, else by the second. */
    static boolean isNewer(ChatMessage message, MessageId marker) {
        Optional<MessageId> id = MessageId.parse(message.id());
        if (id.isPresent() && id.get().sequence() > 0 && marker.sequence() > 0) {
            return id.get().sequence() > marker.sequence();
        }
        return message.date().longValue() > marker.date();
    }

    private long currentSequence() {
        String value = redis.<String>getBucket(RedisKeys.MESSAGE_SEQUENCE, StringCodec.INSTANCE).get();
        return value == null ? 0 : Long.parseLong(value);
    }
}
