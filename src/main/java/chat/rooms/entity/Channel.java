package chat.rooms.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A group channel: a named room with members of its own (docs/PROTOCOL.md, "Channels").
 *
 * @param kind     {@link #PUBLIC} (anyone may find and join it) or {@link #PRIVATE} (invitation only)
 * @param archived Unix seconds when its creator archived it (read-only from then on), or null
 */
@JsonbPropertyOrder({"id", "name", "kind", "creator", "created", "archived"})
public record Channel(String id, String name, String kind, String creator, long created, Long archived) {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";

    public boolean isPublic() {
        return PUBLIC.equals(kind);
    }

    public boolean isArchived() {
        return archived != null;
    }

    public Channel renamed(String newName) {
        return new Channel(id, newName, kind, creator, created, archived);
    }

    /** @param seconds when it was archived, or null when restored */
    public Channel archivedAt(Long seconds) {
        return new Channel(id, name, kind, creator, created, seconds);
    }
}
