package chat.messages.entity;

import java.math.BigDecimal;

/**
 * A new message before it has drawn its sequence number. Its stored JSON is
 * {@link MessageCodec#ID_START}, the date, {@code -}, the sequence written as
 * {@link MessageCodec#SEQUENCE_FORMAT}, {@code afterId}, the date again, then {@code afterDate}:
 * the same parts whether Java ({@link #withSequence}) or the posting script puts them together,
 * which may give the message a later date than the draft's (docs/PROTOCOL.md, "Messages").
 */
public record Draft(String from, String roomId, String text, long date, String afterId, String afterDate) {

    public StoredMessage withSequence(long sequence) {
        String id = new MessageId(date, sequence).toString();
        return new StoredMessage(new ChatMessage(id, from, BigDecimal.valueOf(date), text, roomId),
                MessageCodec.ID_START + id + afterId + date + afterDate);
    }
}
