package chat.rooms.control;

import chat.api.ChatError;
import chat.redis.RedisKeys;
import chat.rooms.entity.Room;
import chat.users.control.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Which rooms exist, who belongs to them, and what they are called. */
@ApplicationScoped
public class Rooms {

    @Inject
    RedissonClient redis;

    @Inject
    Users users;

    /** 404 when the room does not exist, 403 when the user is not a member. */
    public void requireMember(String userId, String roomId) {
        if (RedisKeys.GENERAL_ROOM_ID.equals(roomId)) {
            return; // everyone is in General, and it always exists: no Redis round trip per message
        }
        Optional<List<String>> privateMembers = RoomId.privateMembers(roomId);
        if (privateMembers.isPresent()) {
            List<String> members = privateMembers.get();
            if (!users.exists(members.get(0)) || !users.exists(members.get(1))) {
                throw ChatError.notFound("No such room");
            }
            if (!members.contains(userId)) {
                throw ChatError.forbidden("Not a member of this room");
            }
            return;
        }
        if (!RoomId.isNamed(roomId) || name(roomId).isEmpty()) {
            throw ChatError.notFound("No such room");
        }
        if (!roomsSet(userId).contains(roomId)) {
            throw ChatError.forbidden("Not a member of this room");
        }
    }

    /** Every user is in General; named rooms need the seed's membership set; private rooms are their two users'. */
    public boolean isMember(String userId, String roomId) {
        try {
            requireMember(userId, roomId);
            return true;
        } catch (ChatError refused) {
            return false;
        }
    }

    public Optional<String> name(String roomId) {
        String name = redis.<String>getBucket(RedisKeys.roomName(roomId), StringCodec.INSTANCE).get();
        if (name == null && RedisKeys.GENERAL_ROOM_ID.equals(roomId)) {
            return Optional.of("General");
        }
        return Optional.ofNullable(name);
    }

    /** Named rooms of the user and the private rooms that have messages (like the seed). */
    public List<Room> roomsOf(String userId) {
        List<String> ids = roomsSet(userId).stream().sorted().toList();
        RBatch batch = redis.createBatch();
        List<RFuture<String>> names = new ArrayList<>();
        List<RFuture<Boolean>> hasMessages = new ArrayList<>();
        for (String id : ids) {
            names.add(batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).getAsync());
            hasMessages.add(batch.getBucket(RedisKeys.room(id), StringCodec.INSTANCE).isExistsAsync());
        }
        batch.execute();
        List<Room> rooms = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String name = names.get(i).toCompletableFuture().join();
            if (name != null) {
                rooms.add(new Room(id, List.of(name)));
            } else if (RedisKeys.GENERAL_ROOM_ID.equals(id)) {
                rooms.add(new Room(id, List.of("General")));
            } else if (RoomId.privateMembers(id).isPresent() && hasMessages.get(i).toCompletableFuture().join()) {
                rooms.add(describePrivate(id));
            }
        }
        return rooms;
    }

    public Room describePrivate(String roomId) {
        List<String> members = RoomId.privateMembers(roomId).orElseThrow();
        var names = users.statuses(members);
        return new Room(roomId, members.stream()
                .map(id -> names.containsKey(id) ? names.get(id).username() : id).toList());
    }

    /** Adds a private room to both users' room sets (idempotent); true when it was new to either. */
    public boolean addToMembers(String roomId) {
        List<String> members = RoomId.privateMembers(roomId).orElseThrow();
        RBatch batch = redis.createBatch();
        List<RFuture<Boolean>> added = new ArrayList<>();
        for (String member : members) {
            added.add(batch.<String>getSet(RedisKeys.userRooms(member), StringCodec.INSTANCE).addAsync(roomId));
        }
        batch.execute();
        return added.stream().anyMatch(f -> f.toCompletableFuture().join());
    }

    private Set<String> roomsSet(String userId) {
        return redis.<String>getSet(RedisKeys.userRooms(userId), StringCodec.INSTANCE).readAll();
    }
}
