package chat.reads.entity;

/**
 * Where a user stands in one room: the last message read (for a room never read: where the user's counting started), how many newer
 * messages of others there are (at most {@code ReadMarks.COUNT_CAP}), how many of them mention the
 * user, and whether the user muted the room.
 */
public record ReadState(String lastRead, int unread, int mentions, boolean muted) {
}
