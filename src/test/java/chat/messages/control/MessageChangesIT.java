package chat.messages.control;

import chat.messages.entity.MessageId;
import chat.messages.entity.StoredMessage;
import chat.redis.RedisKeys;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RMap;
import org.redisson.api.RSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Edits and deletions in a channel against a real Redis: whether the channel is open and the one
 * changing a message still a member is checked in the step that changes it. Checked before, an edit
 * started as the channel was archived was stored after the archiving had been answered (found from
 * outside: 2 edits of 119 up to 30 ms after). Here the channel changes between the check a request
 * makes first and the change itself, as it did then.
 */
class MessageChangesIT {

    static RedisServerProcess redis;
    static RedisProbe probe;
    static RedissonClient client;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        probe = new RedisProbe(redis.url());
        client = probe.client();
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        redis.close();
    }

    @Test
    void aChangeInAChannelArchivedOrLeftMeanwhileIsNotMade() {
        MessageHistory history = new MessageHistory();
        history.redis = client;
        String channel = "c-1";
        RMap<String, String> fields = client.getMap(RedisKeys.channel(channel), StringCodec.INSTANCE);
        fields.put("kind", "public");
        RSet<String> members = client.getSet(RedisKeys.channelMembers(channel), StringCodec.INSTANCE);
        members.add("7");
        StoredMessage stored = history.store("7", channel, "hello");
        MessageId id = MessageId.parse(stored.message().id()).orElseThrow();
        MessageHistory.Found found = history.find(channel, id).orElseThrow();

        fields.put("archived", "1764000000");
        assertEquals(MessageHistory.Change.NOT_WRITABLE, history.replace(found, found.message().editedTo("hullo", 1L), "7", 1));
        assertEquals(MessageHistory.Change.NOT_WRITABLE, history.delete(found, found.message().asDeleted(), "7", 1));
        fields.remove("archived");
        members.remove("7");
        assertEquals(MessageHistory.Change.NOT_WRITABLE, history.replace(found, found.message().editedTo("hullo", 1L), "7", 1));
        assertEquals(MessageHistory.Change.NOT_WRITABLE, history.delete(found, found.message().asDeleted(), "7", 1));
        assertEquals("hello", history.find(channel, id).orElseThrow().message().message(), "nothing changed");

        members.add("7");
        assertEquals(MessageHistory.Change.MADE, history.replace(found, found.message().editedTo("hullo", 1L), "7", 1));
        assertEquals("hullo", history.find(channel, id).orElseThrow().message().message());
    }

    @Test
    void outsideChannelsNothingMoreIsChecked() {
        MessageHistory history = new MessageHistory();
        history.redis = client;
        StoredMessage stored = history.store("7", "0", "in General");
        MessageId id = MessageId.parse(stored.message().id()).orElseThrow();
        MessageHistory.Found found = history.find("0", id).orElseThrow();
        assertEquals(MessageHistory.Change.MADE, history.delete(found, found.message().asDeleted(), "7", 1));
        assertEquals(MessageHistory.Change.NOT_MADE, history.delete(found, found.message().asDeleted(), "7", 1), "deleted already");
    }
}
