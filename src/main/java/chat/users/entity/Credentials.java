package chat.users.entity;

/** A user with the bcrypt hash of their password, read together for a login. */
public record Credentials(User user, String passwordHash) {
}
