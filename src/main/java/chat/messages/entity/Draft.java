package chat.messages.entity;

import java.math.BigDecimal;

/**
 * A new message before it has drawn its sequence number. Its stored JSON is {@code head}, the
 * sequence written as {@link MessageCodec#SEQUENCE_FORMAT}, then {@code tail}: the same three
 * parts whether Java ({@link #withSequence}) or the posting script puts them together.
 */
public record Draft(String from, String roomId, String text, long date, String head, String tail) {

    public StoredMessage withSequence(long sequence) {
        String id = new MessageId(date, sequence).toString();
        return new StoredMessage(new ChatMessage(id, from, BigDecimal.valueOf(date), text, roomId),
                head + MessageCodec.sequenceText(sequence) + tail);
    }
}
