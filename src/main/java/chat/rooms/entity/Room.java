package chat.rooms.entity;

import java.util.List;

/** A room as the client lists it: General has its name, a private room its two users' names. */
public record Room(String id, List<String> names) {
}
