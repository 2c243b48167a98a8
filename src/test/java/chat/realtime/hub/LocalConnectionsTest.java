package chat.realtime.hub;

import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalConnectionsTest {

    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private final LocalConnections hub = new LocalConnections();

    @Test
    void aFullNodeRegistersNoMoreSocketsUntilOneLeaves() {
        Recording ann = new Recording("1", "a");
        Recording bob = new Recording("2", "b");
        Recording cid = new Recording("3", "c");
        assertTrue(hub.add(ann, Set.of(), 2));
        assertTrue(hub.add(bob, Set.of(), 2));
        assertFalse(hub.add(cid, Set.of("5"), 2));
        assertEquals(2, hub.size());
        assertEquals(0, hub.fromAddress("c"));
        assertEquals(Set.of(), hub.membersOf("5"), "a refused socket indexes nothing");
        hub.remove(bob);
        assertTrue(hub.add(cid, Set.of(), 2));
        assertEquals(2, hub.size());
    }

    @Test
    void aNamedRoomReachesTheLocalMembersOnlyAndFollowsMembershipChanges() {
        Recording ann = new Recording("1", "a");
        Recording annTab = new Recording("1", "a");
        Recording bob = new Recording("2", "b");
        hub.add(ann, Set.of("5"), NO_LIMIT);
        hub.add(annTab, Set.of(), NO_LIMIT); // a later socket of the same user keeps the index as it is
        hub.add(bob, Set.of("6"), NO_LIMIT);

        assertEquals(2, hub.sendToRoom("5", new OutboundEvent("m1")));
        assertEquals(List.of("m1"), ann.received);
        assertEquals(List.of("m1"), annTab.received);
        assertTrue(bob.received.isEmpty());

        hub.joined("2", "5");
        hub.left("1", "5");
        hub.sendToRoom("5", new OutboundEvent("m2"));
        assertEquals(List.of("m2"), bob.received);
        assertEquals(List.of("m1"), ann.received);

        hub.joined("3", "5"); // no socket here: read from Redis when one opens
        assertEquals(Set.of("2"), hub.membersOf("5"));
    }

    @Test
    void theLastSocketOfAUserTakesItsRoomsAlong() {
        Recording ann = new Recording("1", "a");
        Recording annTab = new Recording("1", "a");
        hub.add(ann, Set.of("5"), NO_LIMIT);
        hub.add(annTab, Set.of("5"), NO_LIMIT);
        assertEquals(2, hub.fromAddress("a"));
        assertTrue(hub.remove(ann));
        assertEquals(Set.of("1"), hub.membersOf("5"));
        assertTrue(hub.remove(annTab));
        assertFalse(hub.remove(annTab));
        assertEquals(Set.of(), hub.membersOf("5"));
        assertEquals(0, hub.fromAddress("a"));
        assertEquals(0, hub.sendToAll(new OutboundEvent("x")));
    }

    @Test
    void usersAndEveryoneAreReachedAndSessionsClosed() {
        Recording ann = new Recording("1", "a");
        Recording bob = new Recording("2", "b");
        hub.add(ann, Set.of(), NO_LIMIT);
        hub.add(bob, Set.of(), NO_LIMIT);
        assertEquals(2, hub.sendToAll(new OutboundEvent("all")));
        assertEquals(1, hub.sendToUsers(List.of("2", "9"), new OutboundEvent("bob")));
        assertEquals(List.of("all", "bob"), bob.received);
        hub.closeSession("session-1", "Logged out");
        assertTrue(ann.closed);
        assertFalse(bob.closed);
    }

    private static final class Recording implements LocalSocket {
        final String userId;
        final String address;
        final List<String> received = new ArrayList<>();
        boolean closed;

        Recording(String userId, String address) {
            this.userId = userId;
            this.address = address;
        }

        @Override
        public String userId() {
            return userId;
        }

        @Override
        public String sessionKey() {
            return "session-" + userId;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public void send(OutboundEvent event) {
            received.add(event.json());
        }

        @Override
        public void close(CloseReason.CloseCode code, String reason) {
            closed = true;
        }

        @Override
        public void drop(String cause, CloseReason.CloseCode code, String reason) {
            closed = true;
        }

        @Override
        public void ping() {
        }

        @Override
        public long lastHeardMillis() {
            return System.currentTimeMillis();
        }
    }
}
