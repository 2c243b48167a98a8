package chat.messages.control;

import chat.realtime.hub.ChatEvent;

import chat.config.Settings;
import chat.api.ChatError;
import chat.limits.TokenBuckets;
import chat.redis.RedisKeys;
import chat.messages.control.MessageHistory;
import chat.operations.Metrics;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonArrayBuilder;

import java.util.List;

/** A client's message: checked, stored, then announced (docs/PROTOCOL.md, "Messages" and "Delivery guarantees"). */
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
    Event<ChatEvent> events;

    @Inject
    TokenBuckets buckets;

    @Inject
    PostingScript script;

    @Inject
    Metrics metrics;

    public void post(String from, String roomId, String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw ChatError.badRequest("A message must not be empty");
        }
        if (trimmed.codePointCount(0, trimmed.length()) > settings.maxMessageLength()) {
            throw ChatError.badRequest("A message may have at most " + settings.maxMessageLength() + " characters");
        }
        rooms.requireWritable(from, roomId);
        var members = RoomId.privateMembers(roomId);
        boolean firstInPrivateRoom = members.isPresent() && !history.hasMessages(roomId);
        MessageHistory.Draft draft = history.draft(from, roomId, text);
        // The first message of a private room announces the room before itself: the script would publish it first.
        boolean inOneTrip = !firstInPrivateRoom && script.usable();
        MessageHistory.StoredMessage stored;
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
            var room = rooms.describePrivate(roomId);
            JsonArrayBuilder names = JSON.createArrayBuilder();
            room.names().forEach(names::add);
            events.fire(new ChatEvent(ChatEvent.SHOW_ROOM,
                    JSON.createObjectBuilder().add("id", roomId).add("names", names).build().toString(),
                    List.copyOf(members.get()), roomId, false));
        }
        events.fire(new ChatEvent(ChatEvent.MESSAGE, stored.json(), members.map(List::copyOf).orElse(null), roomId, inOneTrip));
    }

    private static ChatError tooFast() {
        return ChatError.tooManyRequests("You are sending messages too fast; slow down", 1);
    }
}
