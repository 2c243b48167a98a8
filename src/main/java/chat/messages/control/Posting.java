package chat.messages.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.entity.Draft;
import chat.messages.entity.StoredMessage;
import chat.operations.Metrics;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalFanOut;
import chat.realtime.relay.Relay;
import chat.redis.RedisKeys;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import chat.text.VisibleText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.List;

/**
 * Posting a message (docs/PROTOCOL.md, "Messages"): validate, authorise, rate-limit, store, then announce,
 * in this order and only here: this node's sockets first (from memory, they cannot fail for
 * another node's sake), then the other nodes over the relay. Once stored, a message is never
 * reported to its sender as failed.
 */
@ApplicationScoped
public class Posting {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

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
    LocalFanOut fanOut;

    @Inject
    Relay relay;

    @Inject
    Metrics metrics;

    public StoredMessage post(String from, String roomId, String sent) {
        String text = VisibleText.trim(sent); // stored as checked: trimmed of blanks, no-break spaces and fillers
        if (!VisibleText.showsAnything(text)) {
            throw ChatError.badRequest("A message must not be empty");
        }
        if (text.codePointCount(0, text.length()) > settings.maxMessageLength()) {
            throw ChatError.badRequest("A message may have at most " + settings.maxMessageLength() + " characters");
        }
        rooms.requireWritable(from, roomId);
        var members = RoomId.privateMembers(roomId);
        boolean firstInPrivateRoom = members.isPresent() && !history.hasMessages(roomId);
        Draft draft = history.draft(from, roomId, text);
        // The first message of a private room announces the room before itself: the script would publish it first.
        boolean inOneTrip = !firstInPrivateRoom && script.usable();
        StoredMessage stored;
        if (inOneTrip) {
            stored = metrics.timeRedis("store_message", () -> script.post(draft)).orElseThrow(Posting::tooFast);
        } else {
            if (!buckets.take(RedisKeys.messageRate(from), settings.messageBurst(), settings.messagesPerSecond())) {
                throw tooFast();
            }
            stored = metrics.timeRedis("store_message", () -> history.store(draft));
        }
        metrics.messageSent();
        if (firstInPrivateRoom) {
            rooms.addToMembers(roomId);
            JsonArrayBuilder names = JSON.createArrayBuilder();
            rooms.describePrivate(roomId).names().forEach(names::add);
            ChatEvent showRoom = new ChatEvent(ChatEvent.SHOW_ROOM,
                    JSON.createObjectBuilder().add("id", roomId).add("names", names).build().toString(),
                    List.copyOf(members.get()), roomId);
            fanOut.deliver(showRoom);
            relay.publish(showRoom);
        }
        ChatEvent message = new ChatEvent(ChatEvent.MESSAGE, stored.json(), members.map(List::copyOf).orElse(null), roomId);
        fanOut.deliver(message);
        if (!inOneTrip) { // the script published it already
            relay.publish(message);
        }
        return stored;
    }

    private static ChatError tooFast() {
        return ChatError.tooManyRequests("You are sending messages too fast; slow down", 1);
    }
}
