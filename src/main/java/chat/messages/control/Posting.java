package chat.messages.control;

import chat.api.ChatError;
import chat.config.AppThreads;
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
import chat.sessions.LoginSession;
import chat.sessions.Sessions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.PlainOptions;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
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
    /** How many posts may wait for Redis at once; beyond that a sender is told at once that the outcome is unknown. */
    private static final int WAITING_POSTS = 64;

    private final Semaphore waitingPosts = new Semaphore(WAITING_POSTS);
    /** Sends again what Redis left unanswered, and makes the calls that wait for Redis, off Redisson's threads. */
    private ScheduledExecutorService slowPath;

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
    Sessions sessions;

    @Inject
    MessageLog log;

    @Inject
    RedissonClient redis;

    @Inject
    Metrics metrics;

    @PostConstruct
    void start() {
        slowPath = Executors.newScheduledThreadPool(2, task -> AppThreads.daemon("chat-posting", task));
    }

    @PreDestroy
    void stop() {
        slowPath.shutdownNow();
    }

    /** 400 unless null or 1 to 64 letters, digits, '-' or '_'. */
    public static void checkClientMessageId(String clientMessageId) {
        if (clientMessageId != null && !CLIENT_MESSAGE_ID.matcher(clientMessageId).matches()) {
            throw ChatError.badRequest("'clientMessageId' must be 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /** A socket's outbox: its posts go to Redis in the order sent, without waiting for each other's answers. */
    public Outbox outbox() {
        return new Outbox(script, slowPath, waitingPosts);
    }

    /**
     * Posts the message behind the socket's earlier posts. Bad input, and what the node can
     * refuse without Redis, is refused at once (thrown); the rest is in the returned future.
     *
     * @param sender          the login session the socket was opened with; a post in a session that has ended
     *                        since is refused with 401 and stores nothing
     * @param clientMessageId the client's id for this post (null: none); a retry with it answers the original
     * @return the stored message; or, failed, the refusal ({@link ChatError}, {@link PostInProgress}) or the
     * store's error, which leaves the message unstored or its outcome unknown (see {@link Outbox})
     */
    public CompletableFuture<Posted> post(Outbox outbox, LoginSession sender, String roomId, String sent, String clientMessageId) {
        checkClientMessageId(clientMessageId);
        String from = sender.userId();
        String text = MessageText.checked(sent, settings.maxMessageLength(), "A message must not be empty");
        List<String> privateMembers = RoomId.privateMembers(roomId).orElse(null);
        Draft draft = history.draft(from, roomId, text);
        if (!script.usable()) { // a Redis Cluster cannot run the script: the separate calls, here and now
            if (!sessions.ended(List.of(sender.key())).isEmpty()) {
                throw ChatError.unauthorized();
            }
            rooms.requireWritable(from, roomId);
            return CompletableFuture.completedFuture(postWithSeparateCalls(draft, clientMessageId,
                    privateMembers != null && !history.hasMessages(roomId)));
        }
        // What needs Redis to check in a private room or a channel, the script checks as it stores.
        if (privateMembers != null) {
            Rooms.requireOneOf(from, privateMembers);
        } else if (!RoomId.isChannel(roomId)) {
            rooms.requireWritable(from, roomId);
        }
        long start = System.nanoTime();
        boolean serverId = clientMessageId == null;
        String postId = serverId ? SERVER_POST_ID + UUID.randomUUID() : clientMessageId;
        int remember = serverId ? PostingScript.REMEMBER_SERVER_IDS_SECONDS : PostingScript.REMEMBER_SECONDS;
        PostingScript.Post post = new PostingScript.Post(draft, postId, remember, sender.key(), System.currentTimeMillis());
        return outbox.post(post, serverId, answer -> finish(answer, post, start));
    }

    /** What to make of the posting script's answer. */
    private CompletableFuture<Posted> finish(PostingScript.Answer answer, PostingScript.Post post, long start) {
        metrics.redisTime("store_message", System.nanoTime() - start);
        if (answer instanceof PostingScript.Answer.Stored stored) {
            if (!stored.posted().duplicate()) {
                metrics.messageSent();
            }
            return CompletableFuture.completedFuture(stored.posted());
        }
        if (answer instanceof PostingScript.Answer.NoToken) {
            return CompletableFuture.failedFuture(tooFast());
        }
        if (post.roomAnnounced()) {
            return CompletableFuture.failedFuture(new IllegalStateException("The posting script refused the first message of an announced room"));
        }
        // Nothing written, the users exist: the room's first message announces the room (calls that wait for Redis),
        // then the script stores and logs it, numbered after everything logged before it.
        PostingScript.Post announced = post.announced();
        return CompletableFuture.runAsync(() -> announcePrivateRoom(post.draft().roomId()), slowPath)
                .thenCompose(done -> script.send(List.of(announced)).get(0))
                .thenCompose(again -> finish(again, announced, start));
    }

    /** The room enters both users' rooms and their clients' lists ({@code show.room}), before its first message. */
    private void announcePrivateRoom(String roomId) {
        rooms.addToMembers(roomId);
        JsonArrayBuilder names = JSON.createArrayBuilder();
        rooms.describePrivate(roomId).names().forEach(names::add);
        log.announce(new ChatEvent(ChatEvent.SHOW_ROOM,
                JSON.createObjectBuilder().add("id", roomId).add("names", names).build().toString(),
                RoomId.privateMembers(roomId).map(List::copyOf).orElseThrow(), roomId));
    }

    /** A Redis Cluster cannot run the script: the separate calls (and a private room's first message announces the room). */
    private Posted postWithSeparateCalls(Draft draft, String clientMessageId, boolean firstInPrivateRoom) {
        String from = draft.from();
        String roomId = draft.roomId();
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
                announcePrivateRoom(roomId);
            }
            log.announce(new ChatEvent(ChatEvent.MESSAGE, stored.json(), RoomId.privateMembers(roomId).map(List::copyOf).orElse(null), roomId));
        } catch (RuntimeException e) {
            LOG.warning(() -> "Message " + stored.message().id() + " is stored but was not fully announced: " + e);
        }
        return new Posted(stored, false);
    }

    /** A sender over the message limit (here, or already at its socket: {@code FrameAllowance}). */
    public static ChatError tooFast() {
        return ChatError.tooManyRequests("You are sending messages too fast; slow down", 1);
    }
}
