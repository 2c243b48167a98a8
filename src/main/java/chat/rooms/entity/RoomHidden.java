package chat.rooms.entity;

/**
 * Fired (as a CDI event) after a user hid a one-to-one room or opened it again; the user's other
 * tabs hear of it on every node (docs/PROTOCOL.md, "Hidden rooms").
 */
public record RoomHidden(String userId, String roomId, boolean hidden) {
}
