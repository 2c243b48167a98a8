package chat.messages.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.messages.entity.ChatMessage;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.realtime.hub.ChatEvent;
import chat.realtime.relay.MessageLog;
import chat.redis.RedisKeys;
import chat.rooms.control.Channels;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Editing and deleting stored messages (docs/PROTOCOL.md, "Editing and deleting messages"). The
 * new state replaces the message in {@code room:{id}} under the same id and score, so history,
 * catch-up and the seed's servers all read the current state; a deleted message stays as a
 * tombstone whose text is {@link ChatMessage#DELETED_TEXT}: removing it would shift every older
 * message's offset under clients paging by offset, and catch-up could not tell it was deleted.
 */
@ApplicationScoped
public class MessageEdits {

    private static final int ATTEMPTS = 5;

    @Inject
    Rooms rooms;

    @Inject
    Channels channels;

    @Inject
    MessageHistory history;

    @Inject
    Settings config;

    @Inject
    MessageLog log;

    @Inject
    TokenBuckets buckets;

    Clock clock = Clock.systemUTC();

    /**
     * The author changes the text, within the edit time limit and the message limit (an edit takes a message's token);
     * returns the message as it is now.
     */
    public ChatMessage edit(String userId, String roomId, String messageId, String text) {
        String trimmed = MessageText.checked(text, config.maxMessageLength(), "A message must not be empty; delete it instead");
        rooms.requireWritable(userId, roomId);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            MessageHistory.Found found = existing(roomId, messageId);
            ChatMessage message = found.message();
            if (!message.from().equals(userId)) {
                throw ChatError.forbidden("You can only edit your own messages");
            }
            if (message.isDeleted()) {
                throw new ChatError(409, "This message was deleted");
            }
            Duration limit = config.editTimeLimit();
            long now = now();
            if (now - message.date().longValue() > limit.toSeconds()) {
                throw ChatError.forbidden("Messages can only be edited within " + describe(limit) + " of sending");
            }
            if (message.message().equals(trimmed)) {
                return message;
            }
            // An edit reaches every member as a message does, so it takes a token of the sender's message limit:
            // before, a user could send edits as fast as the API allowed, 20 a second per session and node.
            if (attempt == 0 && !buckets.take(RedisKeys.messageRate(userId), config.messageBurst(), config.messagesPerSecond())) {
                throw Posting.tooFast();
            }
            ChatMessage edited = message.editedTo(trimmed, clock.millis());
            MessageHistory.Change change = history.replace(found, edited, userId, now);
            if (change == MessageHistory.Change.MADE) {
                announce(ChatEvent.MESSAGE_EDITED, edited);
                return edited;
            }
            if (change == MessageHistory.Change.NOT_WRITABLE) {
                rooms.requireWritable(userId, roomId); // says why; writable again by now (restored): once more
            }
        }
        throw new ChatError(409, "The message is being changed elsewhere at the same moment; try again");
    }

    /** The author, or the creator of the channel it is in, deletes it; deleting twice changes nothing. */
    public void delete(String userId, String roomId, String messageId) {
        rooms.requireWritable(userId, roomId);
        MessageHistory.Found found = existing(roomId, messageId);
        ChatMessage message = found.message();
        if (message.isDeleted()) {
            return;
        }
        if (!message.from().equals(userId) && !(RoomId.isChannel(roomId) && channels.isCreator(userId, roomId))) {
            throw ChatError.forbidden("You can only delete your own messages");
        }
        ChatMessage deleted = message.asDeleted(); // of what an edit never changes: its id, sender, date and room
        MessageHistory.Change change = history.delete(found, deleted, userId, now());
        if (change == MessageHistory.Change.NOT_WRITABLE) {
            rooms.requireWritable(userId, roomId); // says why
            throw new ChatError(409, "The channel changed at the same moment; try again");
        }
        if (change == MessageHistory.Change.MADE) {
            announce(ChatEvent.MESSAGE_DELETED, deleted);
        }
    }

    private MessageHistory.Found existing(String roomId, String messageId) {
        return MessageId.parse(messageId).flatMap(id -> history.find(roomId, id))
                .orElseThrow(() -> ChatError.notFound("No such message"));
    }

    /** To the room's members on every node, like a new message. */
    private void announce(String type, ChatMessage message) {
        List<String> members = RoomId.privateMembers(message.roomId()).map(List::copyOf).orElse(null);
        log.announce(new ChatEvent(type, MessageCodec.toJson(message), members, message.roomId()));
    }

    private long now() {
        return clock.millis() / 1000;
    }

    private static String describe(Duration limit) {
        if (limit.toSeconds() % 86_400 == 0) {
            long days = limit.toDays();
            return days == 1 ? "a day" : days + " days";
        }
        if (limit.toSeconds() % 3600 == 0) {
            long hours = limit.toHours();
            return hours == 1 ? "an hour" : hours + " hours";
        }
        if (limit.toSeconds() % 60 == 0) {
            return limit.toMinutes() + " minutes";
        }
        return limit.toSeconds() + " seconds";
    }
}
