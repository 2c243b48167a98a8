package chat.messages.control;

import chat.api.ChatError;
import chat.api.UnexpectedErrorMapper;
import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.entity.Draft;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.Posted;
import chat.messages.entity.StoredMessage;
import chat.operations.Metrics;
import chat.realtime.hub.ChatEvent;
import chat.realtime.relay.MessageLog;
import chat.redis.RedisKeys;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import chat.text.VisibleText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.api.options.PlainOptions;
import org.redisson.client.codec.StringCodec;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Posting a message (docs/PROTOCOL.md, "Messages"): validate, authorise, rate-limit, store, then announce,
 * in this order and only here. Announcing means appending to the message log, which every node,
 * this one included, follows to deliver to its sockets in sequence order, and publishing on
 * {@code MESSAGES} for the seed's servers. With a client message id a post is stored at most
 * once, and a retry answers the original. Once stored, a message is never reported as failed.
 */
@ApplicationScoped
public class Posting {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(Posting.class.getName());
    private static final Pattern CLIENT_MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The client message id's record while its post is under way (afterwards it holds the stored JSON). */
    private static final String UNDER_WAY = "";
    /** Starts the ids the server gives posts without a client message id: no client id can (see {@link #checkClientMessageId}). */
    private static final String SERVER_POST_ID = "~";
    /** How long a sender waits for a post whose outcome Redis has not told yet; longer than most Redis restarts and failovers. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** How many posts may wait for Redis at once; beyond that a sender is told at once that the outcome is unknown. */
    private static final int WAITING_POSTS = 64;

    private final Semaphore waitingPosts = new Semaphore(WAITING_POSTS);

    @Inject
    Rooms rooms;

    @Inject
    MessageHistory history;

    @Inject
    Settings settings;

    @Inject
    TokenBuckets buckets;

    @Inject
    PostingScript script;

    @Inject
    MessageLog log;

    @Inject
    RedissonClient redis;

    @Inject
    Metrics metrics;

    /** 400 unless null or 1 to 64 letters, digits, '-' or '_'. */
    public static void checkClientMessageId(String clientMessageId) {
        if (clientMessageId != null && !CLIENT_MESSAGE_ID.matcher(clientMessageId).matches()) {
            throw ChatError.badRequest("'clientMessageId' must be 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /** @param clientMessageId the client's id for this post (null: none); a retry with it answers the original */
    public Posted post(String from, String roomId, String sent, String clientMessageId) {
        checkClientMessageId(clientMessageId);
        String text = VisibleText.trim(sent); // stored as checked: trimmed of blanks, no-break spaces and fillers
        if (!VisibleText.showsAnything(text)) {
            throw ChatError.badRequest("A message must not be empty");
        }
        if (text.codePointCount(0, text.length()) > settings.maxMessageLength()) {
            throw ChatError.badRequest("A message may have at most " + settings.maxMessageLength() + " characters");
        }
        List<String> privateMembers = RoomId.privateMembers(roomId).orElse(null);
        Draft draft = history.draft(from, roomId, text);
        boolean firstInPrivateRoom;
        if (script.usable()) {
            // What needs Redis to check in a private room or a channel, the script checks as it stores.
            if (privateMembers != null) {
                Rooms.requireOneOf(from, privateMembers);
            } else if (!RoomId.isChannel(roomId)) {
                rooms.requireWritable(from, roomId);
            }
            PostingScript.Answer answer = metrics.timeRedis("store_message", () -> postOnce(draft, clientMessageId));
            if (answer instanceof PostingScript.Answer.Stored stored) {
                if (!stored.posted().duplicate()) {
                    metrics.messageSent();
                }
                return stored.posted();
            }
            if (answer instanceof PostingScript.Answer.NoToken) {
                throw tooFast();
            }
            firstInPrivateRoom = true; // nothing written; the users exist
        } else {
            rooms.requireWritable(from, roomId);
            firstInPrivateRoom = privateMembers != null && !history.hasMessages(roomId);
        }
        // The first message of a private room announces the room before itself; a Redis Cluster cannot run the script.
        RBucket<String> record = clientMessageId == null ? null
                : redis.getBucket(PlainOptions.name(RedisKeys.post(from, clientMessageId)).codec(StringCodec.INSTANCE));
        if (record != null && !record.setIfAbsent(UNDER_WAY, Duration.ofSeconds(PostingScript.REMEMBER_SECONDS))) {
            String original = record.get();
            if (original == null || original.equals(UNDER_WAY)) {
                throw new PostInProgress();
            }
            return new Posted(new StoredMessage(MessageCodec.parse(original).orElseThrow(), original), true);
        }
        // If a Redis call fails below, whether the message got stored is unknown: the record then stays
        // "under way" until it expires, so that no retry can store it a second time.
        if (!buckets.take(RedisKeys.messageRate(from), settings.messageBurst(), settings.messagesPerSecond())) {
            if (record != null) {
                record.delete();
            }
            throw tooFast();
        }
        StoredMessage stored = metrics.timeRedis("store_message", () -> history.store(draft));
        metrics.messageSent();
        try {
            if (record != null) {
                record.set(stored.json(), Duration.ofSeconds(PostingScript.REMEMBER_SECONDS));
            }
            if (firstInPrivateRoom) {
                rooms.addToMembers(roomId);
                JsonArrayBuilder names = JSON.createArrayBuilder();
                rooms.describePrivate(roomId).names().forEach(names::add);
                log.announce(new ChatEvent(ChatEvent.SHOW_ROOM,
                        JSON.createObjectBuilder().add("id", roomId).add("names", names).build().toString(),
                        RoomId.privateMembers(roomId).map(List::copyOf).orElseThrow(), roomId));
            }
            log.announce(new ChatEvent(ChatEvent.MESSAGE, stored.json(), RoomId.privateMembers(roomId).map(List::copyOf).orElse(null), roomId));
        } catch (RuntimeException e) {
            LOG.warning(() -> "Message " + stored.message().id() + " is stored but was not fully announced: " + e);
        }
        return new Posted(stored, false);
    }

    /**
     * Runs the posting script until Redis gives an answer. A timeout or a lost connection leaves
     * the outcome unknown: Redis may have run the script already, or run it once it answers again
     * (a frozen or paused Redis queues it). The script stores at most once per post id, so it is
     * retried with the same id and answers the original outcome. Posts without a client message
     * id get an id of the server's (one a client cannot send), remembered briefly. So a sender is
     * told of a failure only when nothing was stored, or after {@link #PATIENCE} when it cannot be
     * known yet; and at most {@link #WAITING_POSTS} posts wait at once, so that a Redis outage does
     * not hold every worker of the node.
     */
    private PostingScript.Answer postOnce(Draft draft, String clientMessageId) {
        String postId = clientMessageId != null ? clientMessageId : SERVER_POST_ID + UUID.randomUUID();
        int remember = clientMessageId != null ? PostingScript.REMEMBER_SECONDS : PostingScript.REMEMBER_SERVER_IDS_SECONDS;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        boolean waiting = false;
        try {
            for (long pauseMillis = 100; ; pauseMillis = Math.min(1000, pauseMillis * 2)) {
                try {
                    PostingScript.Answer answer = script.post(draft, postId, remember);
                    if (waiting) {
                        LOG.fine(() -> "A post whose outcome was unknown got its answer from Redis");
                    }
                    // The original of a retry of ours is this post, not a client's earlier one.
                    return (waiting || clientMessageId == null) && answer instanceof PostingScript.Answer.Stored stored
                            ? new PostingScript.Answer.Stored(new Posted(stored.posted().stored(), false)) : answer;
                } catch (RuntimeException e) {
                    // A retry that could not be sent says nothing of an earlier try whose outcome is unknown: wait on.
                    if (UnexpectedErrorMapper.isOutOfMemory(e) || !UnexpectedErrorMapper.isRedisOutage(e) || (!waiting && neverSent(e))
                            || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) > deadline
                            || (!waiting && !waitingPosts.tryAcquire())) {
                        throw e;
                    }
                    waiting = true;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis)); // Redis is away: retry, don't spin
                }
            }
        } finally {
            if (waiting) {
                waitingPosts.release();
            }
        }
    }

    /**
     * No connection to Redis could be had: the script was never sent, so nothing was stored and
     * there is nothing to find out by waiting (a Redis that is down refuses every post at once).
     * True of this try only: a post retried because an earlier try's outcome is unknown waits on
     * (a Redis restarted from its append-only file had stored a first try whose sender was then
     * told "unavailable" when the retry found Redis down).
     */
    private static boolean neverSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // Redisson's own failure to connect, or the transport's refused connect wrapped in a
            // RedisException (Netty's epoll transport: "finishConnect(..) failed: Connection refused").
            if (t instanceof RedisConnectionException || t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static ChatError tooFast() {
        return ChatError.tooManyRequests("You are sending messages too fast; slow down", 1);
    }
}
