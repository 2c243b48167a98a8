package chat.messages.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.math.BigDecimal;

/**
 * A chat message in the seed's format. {@code id} is null for messages written by the seed's
 * servers; {@code date} is Unix seconds (the seed sometimes writes fractions).
 */
@JsonbPropertyOrder({"id", "from", "date", "message", "roomId"})
public record ChatMessage(String id, String from, BigDecimal date, String message, String roomId) {
}
