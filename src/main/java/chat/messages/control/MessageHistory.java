package chat.messages.control;

import chat.messages.entity.ChatMessage;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** A room's messages: the sorted set {@code room:{id}}, scored by Unix seconds, as the seed keeps it. */
@ApplicationScoped
public class MessageHistory {

    private static final Logger LOG = Logger.getLogger(MessageHistory.class.getName());
    /** Catch-up also looks this far before the last seen message, for nodes whose clocks differ a little. */
    private static final long CLOCK_SKEW_SECONDS = 60;

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
        long date = clock.millis() / 1000;
        String withoutId = MessageFormat.toJson(new ChatMessage(null, from, BigDecimal.valueOf(date), text, roomId));
        return new Draft(from, roomId, text, date, "," + withoutId.substring(1));
    }

    public boolean hasMessages(String roomId) {
        return room(roomId).isExists();
    }

    /** Newest first, exactly {@code size} (or fewer at the end), like the seed's ZREVRANGE. */
    public List<ChatMessage> page(String roomId, int offset, int size) {
        return parseAll(room(roomId).valueRangeReversed(offset, offset + size - 1));
    }

    /** Every message newer than {@code lastSeen}, oldest first. */
    public List<ChatMessage> after(String roomId, MessageId lastSeen) {
        Collection<String> candidates = room(roomId).valueRange(lastSeen.date() - CLOCK_SKEW_SECONDS, true,
                Double.POSITIVE_INFINITY, true);
        return parseAll(candidates).stream()
                .filter(m -> isNewer(m, lastSeen))
                .sorted(Comparator.comparing((ChatMessage m) -> m.date())
                        .thenComparingLong(m -> MessageId.parse(m.id()).map(MessageId::sequence).orElse(0L)))
                .toList();
    }

    private static boolean isNewer(ChatMessage message, MessageId lastSeen) {
        Optional<MessageId> id = MessageId.parse(message.id());
        if (id.isPresent()) {
            return id.get().sequence() > lastSeen.sequence();
        }
        // Written by a seed node: no sequence, its second is all we know.
        return message.date().compareTo(BigDecimal.valueOf(lastSeen.date())) > 0;
    }

    private List<ChatMessage> parseAll(Collection<String> members) {
        return members.stream().map(member -> {
            Optional<ChatMessage> parsed = MessageFormat.parse(member);
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

    /**
     * A message without its id. Its JSON is {@code {"id":"<date>-<sequence, 12 digits>"} followed by
     * {@code afterId}: the id comes first, so members of equal score sort by it in Redis.
     */
    public record Draft(String from, String roomId, String text, long date, String afterId) {

        public StoredMessage withSequence(long sequence) {
            String id = new MessageId(date, sequence).toString();
            return new StoredMessage(new ChatMessage(id, from, BigDecimal.valueOf(date), text, roomId),
                    "{\"id\":\"" + id + "\"" + afterId);
        }
    }

    /** A stored message and the exact JSON written to Redis (reused for the envelope). */
    public record StoredMessage(ChatMessage message, String json) {
    }
}
