package chat.messages.control;

import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.entity.Draft;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.StoredMessage;
import chat.realtime.hub.ChatEvent;
import chat.realtime.relay.Relay;
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
 * is false and messages take the four calls. The script writes the texts {@link MessageCodec}
 * hands it, never a JSON of its own.
 */
@ApplicationScoped
public class PostingScript {

    // KEYS: rate bucket, sequence, room. ARGV: burst, per second, draft head, sequence format, draft tail,
    // channel, envelope head, envelope tail. Returns the sequence number, or 0 when the sender has no token.
    private static final String POST = TokenBuckets.TAKE_OR_RETURN_0 + """
            local sequence = redis.call('INCR', KEYS[2])
            local json = ARGV[3] .. string.format(ARGV[4], sequence) .. ARGV[5]
            redis.call('ZADD', KEYS[3], ARGV[6], json)
            redis.call('PUBLISH', ARGV[7], ARGV[8] .. json .. ARGV[9])
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
    public Optional<StoredMessage> post(Draft draft) {
        Long sequence = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, POST, RScript.ReturnType.INTEGER,
                List.of(RedisKeys.messageRate(draft.from()), RedisKeys.MESSAGE_SEQUENCE, RedisKeys.room(draft.roomId())),
                String.valueOf(settings.messageBurst()), String.valueOf(settings.messagesPerSecond()),
                draft.head(), MessageCodec.SEQUENCE_FORMAT, draft.tail(), String.valueOf(draft.date()),
                RedisKeys.CHANNEL, relay.envelopeHead(ChatEvent.MESSAGE), MessageCodec.envelopeTail(System.currentTimeMillis()));
        return sequence == null || sequence == 0 ? Optional.empty() : Optional.of(draft.withSequence(sequence));
    }
}
