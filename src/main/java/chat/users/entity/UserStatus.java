package chat.users.entity;

/** A user as the seed's API shows it: with the online flag. */
public record UserStatus(String id, String username, boolean online) {
}
