package chat.rooms;

import chat.rooms.control.RoomId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomIdTest {

    @Test
    void privateRoomIdsPutTheSmallerIdFirstNumerically() {
        assertEquals("1:2", RoomId.privateRoom("2", "1"));
        assertEquals("9:10", RoomId.privateRoom("10", "9"));
    }

    @Test
    void onlyCanonicalPrivateIdsHaveMembers() {
        assertEquals(Optional.of(List.of("9", "10")), RoomId.privateMembers("9:10"));
        assertTrue(RoomId.privateMembers("10:9").isEmpty());
        assertTrue(RoomId.privateMembers("2:2").isEmpty());
        assertTrue(RoomId.privateMembers("01:2").isEmpty());
        assertTrue(RoomId.privateMembers("1:2:3").isEmpty());
        assertTrue(RoomId.privateMembers("a:b").isEmpty());
    }

    @Test
    void namedRoomsAreNumbers() {
        assertTrue(RoomId.isNamed("0"));
        assertFalse(RoomId.isNamed("1:2"));
        assertFalse(RoomId.isNamed("General"));
    }
}
