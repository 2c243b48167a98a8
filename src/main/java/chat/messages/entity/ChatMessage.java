package chat.messages.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbTransient;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A chat message in the seed's format. {@code id} is null for messages written by the seed's
 * servers; {@code date} is Unix seconds (the seed sometimes writes fractions). {@code edited}
 * (Unix seconds of the last edit, with milliseconds) and {@code deleted} are extra fields of ours, absent unless
 * set (docs/PROTOCOL.md, "Editing and deleting messages"). {@link MessageCodec} writes it for
 * Redis and the sockets; API answers write it with JSON-B, which must give the same text.
 */
@JsonbPropertyOrder({"id", "from", "date", "message", "roomId", "edited", "deleted"})
public record ChatMessage(String id, String from, BigDecimal date, String message, String roomId, BigDecimal edited, Boolean deleted) {

    /** What a deleted message's text becomes, so that seed servers still show a valid message. */
    public static final String DELETED_TEXT = "(message deleted)";
    private static final BigDecimal ONE_MILLISECOND = BigDecimal.valueOf(1, 3);

    public ChatMessage(String id, String from, BigDecimal date, String message, String roomId) {
        this(id, from, date, message, roomId, null, null);
    }

    @JsonbTransient // a question, not a field: JSON-B wrote it as "isDeleted" in every answer
    public boolean isDeleted() {
        return Boolean.TRUE.equals(deleted);
    }

    /**
     * The message with a new text, edited at that instant: or a millisecond after its last edit, when
     * that was as late or later (another node's clock), so that each edit is later than the one
     * before. Clients keep the latest state they get by this field; in whole seconds, two edits in
     * the same second were alike, and every tab kept the first.
     */
    public ChatMessage editedTo(String text, long epochMillis) {
        BigDecimal at = BigDecimal.valueOf(epochMillis, 3);
        if (edited != null && at.compareTo(edited) <= 0) {
            at = edited.setScale(3, RoundingMode.FLOOR).add(ONE_MILLISECOND);
        }
        return new ChatMessage(id, from, date, text, roomId, at, null);
    }

    /** A tombstone: same id, sender, date and place, no text. */
    public ChatMessage asDeleted() {
        return new ChatMessage(id, from, date, DELETED_TEXT, roomId, null, Boolean.TRUE);
    }
}
