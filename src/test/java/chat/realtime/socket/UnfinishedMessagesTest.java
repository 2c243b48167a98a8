package chat.realtime.socket;

import chat.realtime.socket.UnfinishedMessages.Message.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnfinishedMessagesTest {

    @Test
    void aMessageInOneFrameHoldsNothingAndFragmentsAreJoined() {
        UnfinishedMessages node = new UnfinishedMessages(100);
        UnfinishedMessages.Message message = node.start();
        assertEquals(Verdict.WHOLE, message.add("whole", true, 64));
        assertEquals("whole", message.whole());
        assertEquals(Verdict.UNFINISHED, message.add("ab", false, 64));
        assertEquals(Verdict.UNFINISHED, message.add("cd", false, 64));
        assertEquals(4, node.heldChars());
        assertEquals(Verdict.WHOLE, message.add("e", true, 64));
        assertEquals("abcde", message.whole());
        assertEquals(0, node.heldChars(), "given back once whole");
    }

    @Test
    void aMessagePastItsLimitIsTooBigAndGivesBackWhatItHeld() {
        UnfinishedMessages node = new UnfinishedMessages(100);
        UnfinishedMessages.Message message = node.start();
        assertEquals(Verdict.UNFINISHED, message.add("x".repeat(40), false, 64));
        assertEquals(Verdict.TOO_BIG, message.add("x".repeat(40), false, 64));
        assertEquals(0, node.heldChars());
    }

    /** What all sockets hold unfinished is bounded for the node: one socket more is refused, and room comes back as they finish or close. */
    @Test
    void unfinishedMessagesHoldNoMoreThanTheNodesLimit() {
        UnfinishedMessages node = new UnfinishedMessages(100);
        UnfinishedMessages.Message first = node.start();
        UnfinishedMessages.Message second = node.start();
        assertEquals(Verdict.UNFINISHED, first.add("x".repeat(60), false, 64));
        assertEquals(Verdict.NO_ROOM, second.add("y".repeat(50), false, 64));
        assertEquals(60, node.heldChars(), "the refused fragment is not counted");
        first.release(); // its socket closed
        assertEquals(Verdict.UNFINISHED, second.add("y".repeat(50), false, 64));
        assertEquals(50, node.heldChars());
    }
}
