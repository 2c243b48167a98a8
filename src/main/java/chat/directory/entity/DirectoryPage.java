package chat.directory.entity;

import java.util.List;

/** One page of a directory search; {@code next} is the cursor of the following page, null on the last. */
public record DirectoryPage(List<DirectoryEntry> users, String next) {
}
