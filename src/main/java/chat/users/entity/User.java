package chat.users.entity;

public record User(String id, String username) {
}
