package chat.realtime.hub;

import chat.realtime.socket.Connection;
import chat.realtime.socket.OutboundEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The sockets open on this node, by user. */
@ApplicationScoped
public class LocalConnections {

    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();

    /** @return the number of this user's sockets on this node, including the new one */
    public int add(Connection connection) {
        Set<Connection> set = byUser.computeIfAbsent(connection.userId(), id -> ConcurrentHashMap.newKeySet());
        if (set.add(connection)) {
            byAddress.merge(connection.address(), 1, Integer::sum);
        }
        return set.size();
    }

    /** @return whether the connection was registered (false when it was already removed) */
    public boolean remove(Connection connection) {
        boolean[] removed = {false};
        byUser.computeIfPresent(connection.userId(), (id, set) -> {
            removed[0] = set.remove(connection);
            return set.isEmpty() ? null : set;
        });
        if (removed[0]) {
            byAddress.computeIfPresent(connection.address(), (address, n) -> n > 1 ? n - 1 : null);
        }
        return removed[0];
    }

    /** @return the number of sockets the frame was queued for */
    public int sendToAll(String json) {
        OutboundEvent frame = new OutboundEvent(json);
        int sent = 0;
        for (Set<Connection> connections : byUser.values()) {
            for (Connection c : connections) {
                c.send(frame);
                sent++;
            }
        }
        return sent;
    }

    /** @return the number of sockets the frame was queued for */
    public int sendToUsers(Collection<String> userIds, String json) {
        OutboundEvent frame = new OutboundEvent(json);
        int sent = 0;
        for (String userId : userIds) {
            Set<Connection> connections = byUser.get(userId);
            if (connections != null) {
                for (Connection c : connections) {
                    c.send(frame);
                    sent++;
                }
            }
        }
        return sent;
    }

    public void closeSession(String sessionKey, String reason) {
        for (Set<Connection> connections : byUser.values()) {
            for (Connection c : connections) {
                if (c.sessionKey().equals(sessionKey)) {
                    c.close(CloseReason.CloseCodes.VIOLATED_POLICY, reason);
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
        byUser.values().forEach(set -> set.forEach(c -> {
            if (now - c.lastHeardMillis() > idleMillis) {
                c.drop("silent", CloseReason.CloseCodes.GOING_AWAY, "No answer to pings");
            } else {
                c.ping();
            }
        }));
    }

    public Set<String> sessionKeys() {
        Set<String> keys = new java.util.HashSet<>();
        byUser.values().forEach(set -> set.forEach(c -> keys.add(c.sessionKey())));
        return keys;
    }

    public Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    /** Live socket count per user, for rebuilding this node's presence entry. */
    public Map<String, Integer> countsByUser() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        byUser.forEach((user, set) -> {
            if (!set.isEmpty()) {
                counts.put(user, set.size());
            }
        });
        return counts;
    }

    public int size() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    public void closeAll(String reason) {
        byUser.values().forEach(set -> set.forEach(c -> c.close(CloseReason.CloseCodes.GOING_AWAY, reason)));
    }
}
