package chat.realtime.hub;

import chat.operations.Metrics;
import chat.redis.RedisKeys;
import chat.rooms.control.Channels;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Delivers every event, from this node's clients or relayed from others, to the right sockets here. */
@ApplicationScoped
public class LocalFanOut {

    @Inject
    LocalConnections connections;

    @Inject
    Rooms rooms;

    @Inject
    Channels channels;

    @Inject
    Metrics metrics;

    void deliver(@Observes ChatEvent event) {
        String frame = event.frame(); // serialised once for all receivers
        int sockets;
        if (event.recipients() != null) {
            sockets = connections.sendToUsers(event.recipients(), frame);
        } else if (event.roomId() == null || RedisKeys.GENERAL_ROOM_ID.equals(event.roomId())) {
            sockets = connections.sendToAll(frame);
        } else if (RoomId.isChannel(event.roomId())) {
            // One Redis call per event on this node, never one per socket. It reads membership as
            // it is now, so a member who left or was removed gets nothing more from here on.
            sockets = connections.sendToUsers(channels.members(event.roomId()), frame);
        } else if (RoomId.privateMembers(event.roomId()).isPresent()) {
            sockets = connections.sendToUsers(RoomId.privateMembers(event.roomId()).get(), frame);
        } else { // another named room: only its members
            sockets = connections.sendToUsers(connections.users().stream()
                    .filter(user -> rooms.isMember(user, event.roomId())).toList(), frame);
        }
        if (ChatEvent.MESSAGE.equals(event.type())) {
            metrics.messageDelivered(sockets);
        }
    }
}
