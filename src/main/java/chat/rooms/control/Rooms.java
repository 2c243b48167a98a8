package chat.rooms.control;

import chat.api.ChatError;
import chat.redis.RedisKeys;
import chat.rooms.entity.Channel;
import chat.rooms.entity.Room;
import chat.rooms.entity.RoomHidden;
import chat.users.control.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Which rooms exist, who belongs to them, and what they are called. */
@ApplicationScoped
public class Rooms {

    @Inject
    RedissonClient redis;

    @Inject
    Users users;

    @Inject
    Channels channels;

    @Inject
    Event<RoomHidden> hiding;

    /** 404 when the room does not exist, 403 when the user is not a member. */
    public void requireMember(String userId, String roomId) {
        requireMember(userId, roomId, false);
    }

    /** As {@link #requireMember(String, String)}, and 403 for an archived channel (read-only). */
    public void requireWritable(String userId, String roomId) {
        requireMember(userId, roomId, true);
    }

    private void requireMember(String userId, String roomId, boolean toPost) {
        if (RoomId.isChannel(roomId)) {
            channels.requireMember(userId, roomId, toPost);
            return;
        }
        if (RedisKeys.GENERAL_ROOM_ID.equals(roomId)) {
            return; // everyone is in General, and it always exists: no Redis round trip per message
        }
        Optional<List<String>> privateMembers = RoomId.privateMembers(roomId);
        if (privateMembers.isPresent()) {
            List<String> members = privateMembers.get();
            requireOneOf(userId, members);
            if (!users.exists(members.get(0)) || !users.exists(members.get(1))) {
                throw noSuchRoom();
            }
            return;
        }
        if (!RoomId.isNamed(roomId) || name(roomId).isEmpty()) {
            throw noSuchRoom();
        }
        if (!roomsSet(userId).contains(roomId)) {
            throw ChatError.forbidden("Not a member of this room");
        }
    }

    /** What a request for a room that does not exist (or is not to be shown) is told. */
    public static ChatError noSuchRoom() {
        return ChatError.notFound("No such room");
    }

    /**
     * 403 unless the user is one of a private room's two users. Checked before whether they exist,
     * so that a stranger learns nothing of who exists from the answer.
     */
    public static void requireOneOf(String userId, List<String> privateMembers) {
        if (!privateMembers.contains(userId)) {
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

    /**
     * Named rooms and channels of the user, and the private rooms that have messages (like the
     * seed), except private rooms the user hid that have had no message since.
     */
    public List<Room> roomsOf(String userId) {
        List<String> ids = roomsSet(userId).stream().sorted().toList();
        Map<String, String> hidden = hidden(userId).readAllMap();
        RBatch batch = redis.createBatch();
        List<RFuture<String>> names = new ArrayList<>();
        List<RFuture<Integer>> sizes = new ArrayList<>();
        for (String id : ids) {
            names.add(batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).getAsync());
            sizes.add(batch.getScoredSortedSet(RedisKeys.room(id), StringCodec.INSTANCE).sizeAsync());
        }
        batch.execute();
        Map<String, Channel> channelsById = channels.findAll(ids.stream().filter(RoomId::isChannel).toList());
        List<Room> rooms = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String name = names.get(i).toCompletableFuture().join();
            int size = sizes.get(i).toCompletableFuture().join();
            if (RoomId.isChannel(id)) {
                Channel channel = channelsById.get(id);
                if (channel != null) {
                    rooms.add(new Room(id, List.of(channel.name()), channel));
                }
            } else if (name != null) {
                rooms.add(new Room(id, List.of(name)));
            } else if (RedisKeys.GENERAL_ROOM_ID.equals(id)) {
                rooms.add(new Room(id, List.of("General")));
            } else if (RoomId.privateMembers(id).isPresent() && size > 0 && !stillHidden(hidden.get(id), size)) {
                rooms.add(describePrivate(id));
            }
        }
        return rooms;
    }

    /**
     * Hides a private room from the user's list until it gets a new message. Kept apart from
     * {@code user:{id}:rooms}, which the seed's servers read and which must keep the room.
     */
    public void hide(String userId, String roomId) {
        if (RoomId.privateMembers(roomId).isEmpty()) {
            throw ChatError.badRequest("Only one-to-one rooms can be hidden; leave a channel instead");
        }
        requireMember(userId, roomId);
        int size = redis.getScoredSortedSet(RedisKeys.room(roomId), StringCodec.INSTANCE).size();
        // Told to the user's sockets unless it was hidden already: a room that a new message brought back still has its
        // entry, with the count of its first hiding.
        String before = hidden(userId).put(roomId, String.valueOf(size));
        if (!stillHidden(before, size)) {
            hiding.fire(new RoomHidden(userId, roomId, true));
        }
    }

    /** Shows a hidden private room again (the user opened it). */
    public void unhide(String userId, String roomId) {
        if (hidden(userId).fastRemove(roomId) > 0) {
            hiding.fire(new RoomHidden(userId, roomId, false));
        }
    }

    private static boolean stillHidden(String countWhenHidden, int count) {
        if (countWhenHidden == null) {
            return false;
        }
        try {
            return count <= Integer.parseInt(countWhenHidden);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private org.redisson.api.RMap<String, String> hidden(String userId) {
        return redis.getMap(RedisKeys.hiddenRooms(userId), StringCodec.INSTANCE);
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

    /** The user's named rooms other than General, which everyone is in (private rooms name their members in their id). */
    public Set<String> namedRoomsOf(String userId) {
        return roomsSet(userId).stream()
                .filter(id -> RoomId.isNamed(id) && !RedisKeys.GENERAL_ROOM_ID.equals(id))
                .collect(Collectors.toUnmodifiableSet());
    }

    private Set<String> roomsSet(String userId) {
        return redis.<String>getSet(RedisKeys.userRooms(userId), StringCodec.INSTANCE).readAll();
    }
}
