package chat.rooms.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbTransient;

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

    @JsonbTransient // a question, not a field: JSON-B wrote it as "isPublic" in every answer
    public boolean isPublic() {
        return PUBLIC.equals(kind);
    }

    @JsonbTransient
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
