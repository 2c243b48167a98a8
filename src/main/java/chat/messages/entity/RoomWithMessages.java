package chat.messages.entity;

import chat.messages.entity.ChatMessage;

import java.util.List;

/** The seed's preload answer for General. */
public record RoomWithMessages(String id, String name, List<ChatMessage> messages) {
}
