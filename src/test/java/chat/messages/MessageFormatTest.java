package chat.messages;

import chat.messages.control.MessageFormat;
import chat.messages.control.MessageId;
import chat.messages.entity.ChatMessage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageFormatTest {

    @Test
    void writesTheSeedFieldsPlusAnId() {
        String json = MessageFormat.toJson(new ChatMessage("1615480369-000000000007", "1", BigDecimal.valueOf(1615480369L), "Hello", "1:2"));
        assertEquals("{\"id\":\"1615480369-000000000007\",\"from\":\"1\",\"date\":1615480369,\"message\":\"Hello\",\"roomId\":\"1:2\"}", json);
    }

    @Test
    void readsTheSeedsVariants() {
        ChatMessage numericFrom = MessageFormat.parse("{\"from\":1,\"date\":1615480369.25,\"message\":\"Hi\",\"roomId\":\"1:2\"}").orElseThrow();
        assertEquals("1", numericFrom.from());
        assertEquals(new BigDecimal("1615480369.25"), numericFrom.date());
        assertNull(numericFrom.id());
        ChatMessage extraFields = MessageFormat.parse("{\"from\":\"2\",\"date\":1,\"message\":\"x\",\"roomId\":\"0\",\"extra\":true}").orElseThrow();
        assertEquals("2", extraFields.from());
    }

    @Test
    void refusesWhatIsNotAMessage() {
        assertTrue(MessageFormat.parse("not json").isEmpty());
        assertTrue(MessageFormat.parse("{\"from\":\"1\"}").isEmpty());
        assertTrue(MessageFormat.parse("{\"from\":\"1\",\"date\":\"x\",\"message\":\"m\",\"roomId\":\"0\"}").isEmpty());
    }

    @Test
    void messageIdsOrderBySequenceAndSortAsText() {
        MessageId a = new MessageId(100, 9);
        MessageId b = new MessageId(100, 10);
        assertTrue(a.compareTo(b) < 0);
        assertTrue(a.toString().compareTo(b.toString()) < 0);
        assertEquals(a, MessageId.parse(a.toString()).orElseThrow());
        assertEquals("1615480369-000000000042", new MessageId(1615480369, 42).toString());
        assertEquals("1615480369-123456789012345", new MessageId(1615480369, 123456789012345L).toString());
        assertTrue(MessageId.parse("12").isEmpty());
        assertTrue(MessageId.parse("abc-1").isEmpty());
    }
}
