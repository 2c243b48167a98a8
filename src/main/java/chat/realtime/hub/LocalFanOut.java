package chat.realtime.hub;

import chat.operations.Metrics;
import chat.redis.RedisKeys;
import chat.rooms.control.Channels;
import chat.rooms.control.RoomId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Delivers an event to the right sockets of this node, whether it came from this node's clients
 * or from another node, without a Redis call: General goes to everyone, a private room to the two
 * users in its id, another named room to its members in the hub's index.
 */
@ApplicationScoped
public class LocalFanOut {

    @Inject
    LocalConnections connections;

    @Inject
    Channels channels;

    @Inject
    Metrics metrics;

    public void deliver(ChatEvent event) {
        OutboundEvent frame = new OutboundEvent(event.frame()); // serialised and encoded once for all receivers
        int sockets;
        if (event.recipients() != null) {
            sockets = connections.sendToUsers(event.recipients(), frame);
        } else if (event.roomId() == null || RedisKeys.GENERAL_ROOM_ID.equals(event.roomId())) {
            sockets = connections.sendToAll(frame);
        } else if (RoomId.isChannel(event.roomId())) {
            // A channel's messages come with their members from the log; its other events (edits,
            // deletions; messages on a Redis Cluster) cost one Redis call per event on this node, never
            // one per socket. Either way a member who left or was removed gets nothing more from then on.
            sockets = connections.sendToUsers(channels.members(event.roomId()), frame);
        } else {
            Optional<List<String>> privateMembers = RoomId.privateMembers(event.roomId());
            sockets = privateMembers.isPresent() ? connections.sendToUsers(privateMembers.get(), frame)
                    : connections.sendToRoom(event.roomId(), frame);
        }
        if (ChatEvent.MESSAGE.equals(event.type())) {
            metrics.messageDelivered(sockets);
        }
    }
}
