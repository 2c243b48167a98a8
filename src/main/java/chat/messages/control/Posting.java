package chat.messages.control;

import chat.api.ChatError;
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
import org.redisson.api.options.PlainOptions;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
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
        rooms.requireWritable(from, roomId);
        boolean firstInPrivateRoom = RoomId.privateMembers(roomId).isPresent() && !history.hasMessages(roomId);
        Draft draft = history.draft(from, roomId, text);
        if (!firstInPrivateRoom && script.usable()) {
            Posted posted = metrics.timeRedis("store_message", () -> script.post(draft, clientMessageId)).orElseThrow(Posting::tooFast);
            if (!posted.duplicate()) {
                metrics.messageSent();
            }
            return posted;
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

    private static ChatError tooFast() {
        return ChatError.tooManyRequests("You are sending messages too fast; slow down", 1);
    }
}
