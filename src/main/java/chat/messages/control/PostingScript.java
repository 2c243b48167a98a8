package chat.messages.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.entity.Draft;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.Posted;
import chat.messages.entity.StoredMessage;
import chat.realtime.hub.ChatEvent;
import chat.realtime.relay.MessageLog;
import chat.realtime.relay.Relay;
import chat.redis.RedisKeys;
import chat.rooms.control.Channels;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.OptionalOptions;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A message posted in one Redis round trip instead of six: the client message id's record
 * (a retry answers the original), the sender's token (the bucket of {@link TokenBuckets}), the
 * next sequence number, the room's sorted set, the message log and the seed's channel, in one
 * Lua script; for a private room also whether its two users exist and whether it has messages
 * yet, for a channel whether the sender may post there and who its members are (before, a direct
 * message waited for three round trips more and a channel's message for two: one to check the
 * sender, one on every node to find whom to deliver to). Per message the
 * node then pays one command's write, read and wake-up, which was most of what Redis cost it; and
 * as Redis runs the script atomically, the log holds messages in sequence order and a message is
 * stored exactly when it is logged. A Redis Cluster keeps these keys on different shards, where
 * one script may not touch them together: there {@link #usable()} is false and {@link Posting}
 * takes the separate calls. The script writes the texts {@link MessageCodec} hands it, never a
 * JSON of its own.
 */
@ApplicationScoped
public class PostingScript {

    /**
     * How long a client message id is remembered (with the stored message, a few hundred bytes):
     * long enough for the retries of a client that reconnects after an outage, short enough that
     * a busy chat's Redis does not fill with them.
     */
    static final int REMEMBER_SECONDS = 3600;

    /**
     * How long the id {@link Posting} gives a post without a client message id is remembered:
     * longer than it retries such a post, and short, as every message pays for it in Redis memory
     * while it lasts.
     */
    static final int REMEMBER_SERVER_IDS_SECONDS = 60;

    // The seed's servers subscribe to MESSAGES by name and ours by pattern (Relay), so NUMSUB counts only theirs: without
    // any, the message is not published, as every node of ours reads it from the log. Where Redis renames or an ACL forbids
    // PUBSUB, pcall answers an error instead of failing the script after its writes, and the message is published as before.
    // KEYS: rate bucket, sequence, room, log, the post id's record, the sender's login session, the newest message's date
    // [, a private room's two users | a channel and its members].
    // ARGV: burst, per second, the draft after its id, sequence format, the draft after its date, date, channel, envelope
    // head, envelope tail, log cap, remember seconds, the room's checks ('p' private room, 'P' one whose first message
    // may be stored: the room was announced, 'c' channel, '' none), the sender, how a message begins (up to its id),
    // when the post was received (Unix ms: its token is counted from then, see TokenBuckets).
    // Returns 0 when the sender has no token, 'S' .. json when stored, 'D' .. json of the original for a retry,
    // 'E' when the sender's session has ended (unless the post id has a record: a retry of a post tried before it ended),
    // 'U' while a post with the same id is under way elsewhere ('' in its record, see Posting), 'N' when the room does
    // not exist (also a private channel the sender is not in), 'F' for a private room's first message, 'M' when the
    // sender is not in the (public) channel, 'A' when it is
    // archived; nothing is written unless it returns 'S'. A channel's message is logged with its members ('to').
    // A message is never dated before the one stored before it (the draft's second may be older: a post that waited
    // for Redis, another node's clock), so ids compare in the order messages were stored, by date as by sequence.
    private static final String POST = """
            if redis.call('EXISTS', KEYS[6]) == 0 and not redis.call('GET', KEYS[5]) then return 'E' end
            if ARGV[12] == 'p' or ARGV[12] == 'P' then
              if redis.call('EXISTS', KEYS[8]) == 0 or redis.call('EXISTS', KEYS[9]) == 0 then return 'N' end
              if ARGV[12] == 'p' and redis.call('EXISTS', KEYS[3]) == 0 then return 'F' end
            elseif ARGV[12] == 'c' then
              local channel = redis.call('HMGET', KEYS[8], 'kind', 'archived')
              if not channel[1] then return 'N' end
              if redis.call('SISMEMBER', KEYS[9], ARGV[13]) == 0 then
                if channel[1] == 'private' then return 'N' end
                return 'M'
              end
              if channel[2] then return 'A' end
            end
            local original = redis.call('GET', KEYS[5])
            if original == '' then return 'U' end
            if original then return 'D' .. original end
            """ + TokenBuckets.takeOrReturn0("ARGV[15]") + """
            local sequence = redis.call('INCR', KEYS[2])
            local date = ARGV[6]
            local newest = redis.call('GET', KEYS[7])
            if newest and tonumber(newest) >= tonumber(date) then
              date = newest
            else
              redis.call('SET', KEYS[7], date)
            end
            local json = ARGV[14] .. date .. '-' .. string.format(ARGV[4], sequence) .. ARGV[3] .. date .. ARGV[5]
            redis.call('ZADD', KEYS[3], date, json)
            if ARGV[12] == 'c' then
              redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], '*', 'type', 'message', 'data', json,
                'to', table.concat(redis.call('SMEMBERS', KEYS[9]), ','))
            else
              redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], '*', 'type', 'message', 'data', json)
            end
            local listeners = redis.pcall('PUBSUB', 'NUMSUB', ARGV[7])
            if listeners.err or listeners[2] > 0 then
              redis.call('PUBLISH', ARGV[7], ARGV[8] .. json .. ARGV[9])
            end
            redis.call('SET', KEYS[5], json, 'EX', ARGV[11])
            return 'S' .. json
            """;

    /** What the script did with a post that it did not refuse. */
    public sealed interface Answer {

        /** Stored now, or found stored by an earlier try with the same post id ({@link Posted#duplicate()}). */
        record Stored(Posted posted) implements Answer {
        }

        /** Nothing written: the sender has no token left. */
        record NoToken() implements Answer {
        }

        /** Nothing written: the private room has no message yet, and its first one announces the room before itself. */
        record FirstInPrivateRoom() implements Answer {
        }
    }

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    Relay relay;

    private boolean usable;
    private RScript script;

    @PostConstruct
    void checkTopology() {
        usable = !redis.getConfig().isClusterConfig();
        // Never retried by Redisson: a retry after a timeout could store the message twice (without a
        // client message id) or answer with an error for a message the first attempt stored.
        script = redis.getScript(OptionalOptions.defaults().codec(StringCodec.INSTANCE).retryAttempts(0));
    }

    /** False on a Redis Cluster. */
    public boolean usable() {
        return usable;
    }

    /**
     * A post for {@link #send}: its draft, the id it is stored under at most once, how long that id is
     * remembered, and the login session it is sent in (a socket outlives a session that ended where its
     * node did not hear of it: Redis restarted without its data, a logout during a pub/sub outage);
     * {@code roomAnnounced}: a private room's first message may be stored, its room was announced.
     */
    record Post(Draft draft, String postId, int rememberSeconds, String sessionKey, long askedAt, boolean roomAnnounced) {

        /** {@code askedAt}: the Unix milliseconds the post was received, from which its sender's token is counted. */
        Post(Draft draft, String postId, int rememberSeconds, String sessionKey, long askedAt) {
            this(draft, postId, rememberSeconds, sessionKey, askedAt, false);
        }

        Post announced() {
            return new Post(draft, postId, rememberSeconds, sessionKey, askedAt, true);
        }
    }

    /**
     * Stores, logs and publishes each post, at most once per post id, in the order given and in
     * one round trip (a batch of script calls when there are several: Redis runs them in order,
     * each atomically). The script first checks that the post's login session is live (refused with
     * {@link ChatError#unauthorized()} when not). In a private room it also checks that both users exist
     * and that the room has messages; in a channel, that it exists, that the sender is a member and
     * that it is not archived ({@link Channels#requireMember}, in the same order), and refuses the
     * post with the same errors as those checks ({@link ChatError}), or with {@link PostInProgress}
     * while a post with the same id is under way on the separate calls' path.
     *
     * @return per post, in the same order, its answer, or the error its call ended with
     */
    List<CompletableFuture<Answer>> send(List<Post> posts) {
        if (posts.size() == 1) {
            return List.of(call(script, posts.get(0)).thenApply(PostingScript::answer));
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults().retryAttempts(0));
        RScriptAsync batched = batch.getScript(StringCodec.INSTANCE);
        List<CompletableFuture<Object>> calls = posts.stream().map(post -> call(batched, post)).toList();
        batch.executeAsync().whenComplete((done, failed) -> {
            if (failed != null) { // each call's own outcome where it has one, the batch's where not
                calls.forEach(call -> call.completeExceptionally(failed));
            }
        });
        return calls.stream().map(call -> call.thenApply(PostingScript::answer)).toList();
    }

    private CompletableFuture<Object> call(RScriptAsync on, Post post) {
        Draft draft = post.draft();
        List<Object> keys = new ArrayList<>(List.of(RedisKeys.messageRate(draft.from()), RedisKeys.MESSAGE_SEQUENCE,
                RedisKeys.room(draft.roomId()), RedisKeys.MESSAGE_LOG, RedisKeys.post(draft.from(), post.postId()),
                RedisKeys.session(post.sessionKey()), RedisKeys.NEWEST_MESSAGE_DATE));
        String checks = "";
        Optional<List<String>> privateMembers = RoomId.privateMembers(draft.roomId());
        if (privateMembers.isPresent()) {
            checks = post.roomAnnounced() ? "P" : "p";
            privateMembers.get().forEach(member -> keys.add(RedisKeys.user(member)));
        } else if (RoomId.isChannel(draft.roomId())) {
            checks = "c";
            keys.add(RedisKeys.channel(draft.roomId()));
            keys.add(RedisKeys.channelMembers(draft.roomId()));
        }
        RFuture<Object> result = on.evalAsync(RScript.Mode.READ_WRITE, POST, RScript.ReturnType.VALUE, keys,
                String.valueOf(settings.messageBurst()), String.valueOf(settings.messagesPerSecond()),
                draft.afterId(), MessageCodec.SEQUENCE_FORMAT, draft.afterDate(), String.valueOf(draft.date()),
                RedisKeys.CHANNEL, relay.envelopeHead(ChatEvent.MESSAGE),
                MessageCodec.envelopeTail(System.currentTimeMillis(), true),
                String.valueOf(MessageLog.CAP), String.valueOf(post.rememberSeconds()), checks, draft.from(), MessageCodec.ID_START,
                String.valueOf(post.askedAt()));
        return result.toCompletableFuture();
    }

    private static Answer answer(Object result) {
        if (!(result instanceof String answer) || answer.isEmpty()) {
            return new Answer.NoToken();
        }
        return switch (answer.charAt(0)) {
            case 'S', 'D' -> {
                String json = answer.substring(1);
                var message = MessageCodec.parse(json).orElseThrow(() -> new IllegalStateException("The posting script stored " + json));
                yield new Answer.Stored(new Posted(new StoredMessage(message, json), answer.charAt(0) == 'D'));
            }
            case 'F' -> new Answer.FirstInPrivateRoom();
            case 'U' -> throw new PostInProgress();
            case 'E' -> throw ChatError.unauthorized();
            case 'N' -> throw Rooms.noSuchRoom();
            case 'M' -> throw Channels.notAMember();
            case 'A' -> throw Channels.archived();
            default -> throw new IllegalStateException("The posting script answered " + answer);
        };
    }
}
