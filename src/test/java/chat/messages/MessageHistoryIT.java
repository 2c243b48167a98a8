package chat.messages;

import chat.messages.control.MessageHistory;
import chat.messages.entity.StoredMessage;
import chat.messages.entity.MessageId;
import chat.messages.entity.ChatMessage;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-container (Arquillian, Payara Micro): the history store against the real Redis, through CDI. */
@ExtendWith(ArquillianExtension.class)
class MessageHistoryIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("chat.test.war", "target/redis-chat.war")))
                .addClass(MessageHistoryIT.class);
    }

    @Inject
    MessageHistory history;

    @Inject
    RedissonClient redis;

    @Test
    void storedMessagesAreSeedFormatMembersScoredByTheirSecond() {
        String room = "1:" + (1000 + Math.abs(UUID.randomUUID().hashCode() % 100000));
        StoredMessage stored = history.store("1", room, "hello");
        var zset = redis.<String>getScoredSortedSet("room:" + room, StringCodec.INSTANCE);
        assertEquals(stored.json(), zset.first());
        assertEquals(stored.message().date().doubleValue(), zset.firstScore());
        assertTrue(stored.json().contains("\"from\":\"1\"") && stored.json().contains("\"roomId\":\"" + room + "\""));
    }

    @Test
    void equalTextsInOneSecondAreDistinctAndCatchUpIsExact() {
        String room = "2:" + (1000 + Math.abs(UUID.randomUUID().hashCode() % 100000));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(history.store("2", room, "same").message().id());
        }
        assertEquals(5, ids.stream().distinct().count());
        List<ChatMessage> after = history.after(room, MessageId.parse(ids.get(1)).orElseThrow(), 500);
        assertEquals(ids.subList(2, 5), after.stream().map(ChatMessage::id).toList());
        assertEquals(List.of(), history.after(room, MessageId.parse(ids.get(4)).orElseThrow(), 500));
        List<ChatMessage> page = history.page(room, 0, 2);
        assertEquals(List.of(ids.get(4), ids.get(3)), page.stream().map(ChatMessage::id).toList());
        assertNotEquals(page.get(0).id(), page.get(1).id());
    }
}
