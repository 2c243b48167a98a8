package chat.messages.control;

import chat.realtime.hub.ChatEvent;
import chat.realtime.relay.Relay;

import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.control.MessageHistory;
import chat.redis.RedisKeys;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.List;
import java.util.Optional;

/**
 * A message posted in one Redis round trip instead of four: the sender's token (the bucket of
 * {@link TokenBuckets}), the next sequence number, the room's sorted set and the relay's
 * channel, in one Lua script. Per message the node then pays one command's write, read and
 * wake-up instead of four, which was most of what Redis cost it; and as Redis runs the script
 * atomically, the relay carries messages in sequence order. A Redis Cluster keeps these keys
 * on different shards, where one script may not touch them together: there {@link #usable()}
 * is false and messages take the four calls.
 */
@ApplicationScoped
public class PostingScript {

    /** The id is written as {@code MessageId} writes it: {@code <date>-<sequence, at least 12 digits>}. */
    private static final String POST = TokenBuckets.TAKE_OR_RETURN_0 + """
            local sequence = redis.call('INCR', KEYS[2])
            local json = '{"id":"' .. ARGV[3] .. '-' .. string.format('%012d', sequence) .. '"' .. ARGV[4]
            redis.call('ZADD', KEYS[3], ARGV[3], json)
            redis.call('PUBLISH', ARGV[5], ARGV[6] .. json .. ARGV[7])
            return sequence
            """;

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Relay relay;

    private boolean usable;

    @PostConstruct
    void checkTopology() {
        usable = !redis.getConfig().isClusterConfig();
    }

    /** False on a Redis Cluster. */
    public boolean usable() {
        return usable;
    }

    /** Stores and publishes the message; empty (and nothing written) when the sender has no token left. */
    public Optional<MessageHistory.StoredMessage> post(MessageHistory.Draft draft) {
        Long sequence = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, POST, RScript.ReturnType.INTEGER,
                List.of(RedisKeys.messageRate(draft.from()), RedisKeys.MESSAGE_SEQUENCE, RedisKeys.room(draft.roomId())),
                String.valueOf(settings.messageBurst()), String.valueOf(settings.messagesPerSecond()),
                String.valueOf(draft.date()), draft.afterId(), RedisKeys.CHANNEL,
                relay.envelopeStart(ChatEvent.MESSAGE), Relay.envelopeEnd());
        return sequence == null || sequence == 0 ? Optional.empty() : Optional.of(draft.withSequence(sequence));
    }
}
