package chat.directory.entity;

/** A user as the directory lists them: with the online flag. */
public record DirectoryEntry(String id, String username, boolean online) {
}
