package chat.realtime.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sockets open on this node, indexed by user, by named room and by address, so that fan-out
 * and the handshake's checks never ask Redis. A user's named rooms (General and private rooms
 * need no index: everyone, or the two users in the id) are read once when the user's first socket
 * here opens, and kept current by {@link #joined} and {@link #left} as memberships change.
 */
@ApplicationScoped
public class LocalConnections {

    private final Map<String, Set<LocalSocket>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> roomsOfUser = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> usersOfRoom = new ConcurrentHashMap<>();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger(); // checked at every handshake, so counted, not summed

    /**
     * Registers a socket unless this node already holds {@code limit} sockets. {@code namedRooms}
     * are its user's named rooms as just read from Redis; they are used only for the user's first
     * socket here (later ones find the index kept current).
     *
     * @return false when the node is full and the socket was not registered
     */
    public synchronized boolean add(LocalSocket socket, Collection<String> namedRooms, int limit) {
        if (open.get() >= limit) {
            return false;
        }
        Set<LocalSocket> sockets = byUser.computeIfAbsent(socket.userId(), id -> ConcurrentHashMap.newKeySet());
        if (sockets.isEmpty()) {
            namedRooms.forEach(room -> joined(socket.userId(), room));
        }
        if (sockets.add(socket)) {
            byAddress.merge(socket.address(), 1, Integer::sum);
            open.incrementAndGet();
        }
        return true;
    }

    /** @return whether the socket was registered (false when it was already removed) */
    public synchronized boolean remove(LocalSocket socket) {
        Set<LocalSocket> sockets = byUser.get(socket.userId());
        if (sockets == null || !sockets.remove(socket)) {
            return false;
        }
        byAddress.computeIfPresent(socket.address(), (address, n) -> n > 1 ? n - 1 : null);
        open.decrementAndGet();
        if (sockets.isEmpty()) {
            byUser.remove(socket.userId());
            Set<String> rooms = roomsOfUser.remove(socket.userId());
            if (rooms != null) {
                rooms.forEach(room -> forget(room, socket.userId()));
            }
        }
        return true;
    }

    /** The user became a member of a named room: if the user has sockets here, they receive its events from now on. */
    public synchronized void joined(String userId, String roomId) {
        if (!byUser.containsKey(userId)) {
            return; // read from Redis when the user's first socket opens
        }
        roomsOfUser.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(roomId);
        usersOfRoom.computeIfAbsent(roomId, id -> ConcurrentHashMap.newKeySet()).add(userId);
    }

    /** The user left (or was removed from) a named room: its events no longer reach the user's sockets here. */
    public synchronized void left(String userId, String roomId) {
        Set<String> rooms = roomsOfUser.get(userId);
        if (rooms != null) {
            rooms.remove(roomId);
        }
        forget(roomId, userId);
    }

    private void forget(String roomId, String userId) {
        usersOfRoom.computeIfPresent(roomId, (id, users) -> users.remove(userId) && users.isEmpty() ? null : users);
    }

    /** @return the number of sockets the event was queued for */
    public int sendToAll(OutboundEvent event) {
        int sent = 0;
        for (Set<LocalSocket> sockets : byUser.values()) {
            sent += send(sockets, event);
        }
        return sent;
    }

    /** @return the number of sockets the event was queued for */
    public int sendToUsers(Collection<String> userIds, OutboundEvent event) {
        int sent = 0;
        for (String userId : userIds) {
            Set<LocalSocket> sockets = byUser.get(userId);
            if (sockets != null) {
                sent += send(sockets, event);
            }
        }
        return sent;
    }

    /** To the local members of a named room. @return the number of sockets the event was queued for */
    public int sendToRoom(String roomId, OutboundEvent event) {
        Set<String> users = usersOfRoom.get(roomId);
        return users == null ? 0 : sendToUsers(users, event);
    }

    private static int send(Set<LocalSocket> sockets, OutboundEvent event) {
        int sent = 0;
        for (LocalSocket socket : sockets) {
            socket.send(event);
            sent++;
        }
        return sent;
    }

    public void closeSession(String sessionKey, String reason) {
        for (Set<LocalSocket> sockets : byUser.values()) {
            for (LocalSocket socket : sockets) {
                if (socket.sessionKey().equals(sessionKey)) {
                    socket.close(CloseReason.CloseCodes.VIOLATED_POLICY, reason);
                }
            }
        }
    }

    /** Sockets open on this node from the address (checked at every handshake, so counted, not searched). */
    public long fromAddress(String address) {
        return byAddress.getOrDefault(address, 0);
    }

    /** Pings every socket; closes those silent for longer than {@code idleMillis}. */
    public void pingAll(long idleMillis) {
        long now = System.currentTimeMillis();
        byUser.values().forEach(sockets -> sockets.forEach(socket -> {
            if (now - socket.lastHeardMillis() > idleMillis) {
                socket.drop("silent", CloseReason.CloseCodes.GOING_AWAY, "No answer to pings");
            } else {
                socket.ping();
            }
        }));
    }

    public Set<String> sessionKeys() {
        Set<String> keys = new HashSet<>();
        byUser.values().forEach(sockets -> sockets.forEach(socket -> keys.add(socket.sessionKey())));
        return keys;
    }

    public Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    /** The local members of a named room, as the index knows them. */
    public Set<String> membersOf(String roomId) {
        Set<String> users = usersOfRoom.get(roomId);
        return users == null ? Set.of() : Set.copyOf(users);
    }

    /** Live socket count per user, for rebuilding this node's presence entry. */
    public Map<String, Integer> countsByUser() {
        Map<String, Integer> counts = new HashMap<>();
        byUser.forEach((user, sockets) -> {
            if (!sockets.isEmpty()) {
                counts.put(user, sockets.size());
            }
        });
        return counts;
    }

    public int size() {
        return open.get();
    }

    public void closeAll(String reason) {
        byUser.values().forEach(sockets -> sockets.forEach(socket -> socket.close(CloseReason.CloseCodes.GOING_AWAY, reason)));
    }
}
