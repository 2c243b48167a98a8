package chat.messages;

import chat.messages.entity.ChatMessage;
import chat.messages.entity.Draft;
import chat.messages.entity.Envelope;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.messages.entity.RoomWithMessages;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    @Test
    void writesTheSeedFieldsPlusAnId() {
        String json = MessageCodec.toJson(new ChatMessage("1615480369-000000000007", "1", BigDecimal.valueOf(1615480369L), "Hello", "1:2"));
        assertEquals("{\"id\":\"1615480369-000000000007\",\"from\":\"1\",\"date\":1615480369,\"message\":\"Hello\",\"roomId\":\"1:2\"}", json);
    }

    @Test
    void readsTheSeedsVariants() {
        ChatMessage numericFrom = MessageCodec.parse("{\"from\":1,\"date\":1615480369.25,\"message\":\"Hi\",\"roomId\":\"1:2\"}").orElseThrow();
        assertEquals("1", numericFrom.from());
        assertEquals(new BigDecimal("1615480369.25"), numericFrom.date());
        assertNull(numericFrom.id());
        ChatMessage extraFields = MessageCodec.parse("{\"from\":\"2\",\"date\":1,\"message\":\"x\",\"roomId\":\"0\",\"extra\":true}").orElseThrow();
        assertEquals("2", extraFields.from());
    }

    /** Found from outside: a seed user's {@code <b>&amp;} read {@code &ltb&gt&amp;} on our pages. */
    @Test
    void aSeedServersEscapedAnglesReadAsTyped() {
        assertEquals("<b>&amp;\"' if a<b and c>d", MessageCodec.parse(
                "{\"from\":\"1\",\"date\":1,\"message\":\"&ltb&gt&amp;\\\"' if a&ltb and c&gtd\",\"roomId\":\"0\"}").orElseThrow().message());
        assertEquals("&lt; is ours", MessageCodec.parse(
                "{\"id\":\"1-000000000001\",\"from\":\"1\",\"date\":1,\"message\":\"&lt; is ours\",\"roomId\":\"0\"}").orElseThrow().message(),
                "ours are stored as typed");
    }

    @Test
    void refusesWhatIsNotAMessage() {
        assertTrue(MessageCodec.parse("not json").isEmpty());
        assertTrue(MessageCodec.parse("{\"from\":\"1\"}").isEmpty());
        assertTrue(MessageCodec.parse("{\"from\":\"1\",\"date\":\"x\",\"message\":\"m\",\"roomId\":\"0\"}").isEmpty());
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

    @Test
    void aDraftWithItsSequenceIsTheJsonOfTheMessageWithItsId() {
        Draft draft = MessageCodec.draft("7", "0", "say \"hi\" ü", 1615480369);
        var stored = draft.withSequence(42);
        assertEquals("1615480369-000000000042", stored.message().id());
        assertEquals(MessageCodec.toJson(stored.message()), stored.json());
        assertEquals(stored.json(), MessageCodec.ID_START + 1615480369 + "-" + String.format(MessageCodec.SEQUENCE_FORMAT, 42)
                + draft.afterId() + 1615480369 + draft.afterDate(), "the posting script puts the same parts together");
        // ... also with a later date than the draft's
        String later = MessageCodec.ID_START + 1615480400 + "-" + String.format(MessageCodec.SEQUENCE_FORMAT, 43)
                + draft.afterId() + 1615480400 + draft.afterDate();
        var message = MessageCodec.parse(later).orElseThrow();
        assertEquals("1615480400-000000000043", message.id());
        assertEquals(0, message.date().compareTo(java.math.BigDecimal.valueOf(1615480400)));
        assertEquals("say \"hi\" ü", message.message());
        assertEquals(MessageCodec.toJson(message), later);
    }

    @Test
    void envelopesCarryTheSeedsFieldsAndReadBack() {
        String envelope = MessageCodec.envelope("node \"a\"", "message", "{\"x\":1}", true);
        assertTrue(envelope.startsWith("{\"serverId\":\"node \\\"a\\\"\",\"type\":\"message\",\"data\":{\"x\":1},\"sentAt\":"), envelope);
        Envelope read = MessageCodec.parseEnvelope(envelope).orElseThrow();
        assertEquals("node \"a\"", read.serverId());
        assertEquals("message", read.type());
        assertEquals(1, read.data().getInt("x"));
        assertTrue(read.sentAt() > 0);
        assertTrue(read.logged());
        Envelope seed = MessageCodec.parseEnvelope("{\"serverId\":4000,\"type\":\"message\",\"data\":[]}").orElseThrow();
        assertEquals("4000", seed.serverId());
        assertNull(seed.data());
        assertNull(seed.sentAt());
        assertFalse(seed.logged());
        assertTrue(MessageCodec.parseEnvelope("[1]").isEmpty());
        assertTrue(MessageCodec.parseEnvelope("not json").isEmpty());
    }

    @Test
    void apiAnswersWriteMessagesAsTheCodecDoes() throws Exception {
        ChatMessage plain = new ChatMessage("1615480369-000000000007", "1", new BigDecimal("1615480369.25"), "Hello", "1:2");
        ChatMessage seeds = new ChatMessage(null, "2", BigDecimal.valueOf(1615480369L), "Hi", "0");
        ChatMessage edited = plain.editedTo("Hello again", 1615480400_120L);
        ChatMessage editedOnTheSecond = plain.editedTo("Hello once more", 1615480401_000L);
        ChatMessage deleted = plain.asDeleted();
        try (Jsonb jsonb = JsonbBuilder.create()) {
            for (ChatMessage message : List.of(plain, seeds, edited, editedOnTheSecond, deleted)) {
                assertEquals(MessageCodec.toJson(message), jsonb.toJson(message));
            }
            assertEquals("[" + MessageCodec.toJson(plain) + "," + MessageCodec.toJson(deleted) + "]", jsonb.toJson(List.of(plain, deleted)));
            assertEquals("{\"id\":\"0\",\"messages\":[" + MessageCodec.toJson(edited) + "],\"name\":\"General\"}",
                    jsonb.toJson(new RoomWithMessages("0", "General", List.of(edited))));
        }
    }

    @Test
    void everyEditIsLaterThanTheOneBeforeEvenInTheSameMillisecondOrBehindAnotherNodesClock() {
        ChatMessage plain = new ChatMessage("1615480369-000000000007", "1", BigDecimal.valueOf(1615480369L), "Hello", "0");
        ChatMessage first = plain.editedTo("Hello, all", 1615480400_120L);
        assertEquals(new BigDecimal("1615480400.120"), first.edited());
        assertEquals(new BigDecimal("1615480400.121"), first.editedTo("Hello, everyone", 1615480400_120L).edited());
        assertEquals(new BigDecimal("1615480400.121"), first.editedTo("Hello, everyone", 1615480399_000L).edited(), "a node whose clock is behind");
        ChatMessage wholeSeconds = MessageCodec.parse("{\"id\":\"1615480369-000000000007\",\"from\":\"1\",\"date\":1615480369,"
                + "\"message\":\"Hello\",\"roomId\":\"0\",\"edited\":1615480400}").orElseThrow();
        assertEquals(new BigDecimal("1615480400.001"), wholeSeconds.editedTo("Hello, all", 1615480400_000L).edited(),
                "an edit in the same second as one stored in whole seconds");
        assertEquals("{\"id\":\"1615480369-000000000007\",\"from\":\"1\",\"date\":1615480369,\"message\":\"Hello, all\","
                + "\"roomId\":\"0\",\"edited\":1615480400.120}", MessageCodec.toJson(first));
        assertEquals(first, MessageCodec.parse(MessageCodec.toJson(first)).orElseThrow());
    }

    @Test
    void anEditTimeThatIsNoneOfOursIsIgnored() {
        for (String edited : List.of("1e999999999", "1.0000001", "\"soon\"", "1234567890123.5")) {
            ChatMessage read = MessageCodec.parse("{\"from\":\"1\",\"date\":1615480369,\"message\":\"Hi\",\"roomId\":\"0\",\"edited\":"
                    + edited + "}").orElseThrow();
            assertEquals(null, read.edited(), edited);
        }
    }
}
