package chat.realtime.socket;

import chat.config.Settings;
import chat.realtime.hub.LocalConnections;
import chat.realtime.tyrus.TyrusAdapter;
import chat.testing.Await;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How one socket's outbound events become frames (docs/PROTOCOL.md, "WebSocket"): written at once
 * when the socket is idle, coalesced into one frame of JSON lines while a write is in flight, and
 * a socket that lets its queue overflow is dropped. Without a server: the session holds each
 * write until the test finishes it, as a slowly reading client would.
 */
class ConnectionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final HeldWritesSession session = new HeldWritesSession();
    private final List<String> drops = new CopyOnWriteArrayList<>();
    private final TyrusAdapter tyrus = new TyrusAdapter(Settings.of(Map.of()));
    private OutboundFlusher flusher;

    @AfterEach
    void stopFlusher() {
        if (flusher != null) {
            flusher.stop();
        }
    }

    private Connection connection(int limit) {
        return connection(session, new OutboundBudget(limit, Long.MAX_VALUE, Long.MAX_VALUE, () -> 1), drops);
    }

    private Connection connection(HeldWritesSession session, OutboundBudget budget, List<String> drops) {
        return new Connection(session, "1", "session-1", "127.0.0.1", budget, flusher, tyrus, drops::add);
    }

    @Test
    void anEventForAnIdleSocketIsWrittenAtOnce() {
        Connection socket = connection(10);

        socket.send("{\"n\":1}");

        assertEquals(List.of("{\"n\":1}"), session.frames);
    }

    @Test
    void eventsArrivingWhileAWriteIsInFlightGoOutTogetherAsTheNextFrame() {
        Connection socket = connection(10);
        socket.send("a");

        socket.send("b");
        socket.send("c");
        socket.send("d");
        assertEquals(List.of("a"), session.frames, "nothing more is written while the first write is in flight");

        session.finishWrite(true);
        assertEquals(List.of("a", "b\nc\nd"), session.frames, "one frame of JSON lines, in the order sent");

        session.finishWrite(true);
        socket.send("e");
        assertEquals(List.of("a", "b\nc\nd", "e"), session.frames, "idle again: written at once");
    }

    @Test
    void aFrameHoldsAboutSixtyThousandCharactersTheRestGoesInTheNext() {
        Connection socket = connection(100);
        socket.send("first");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String event = String.valueOf((char) ('a' + i)).repeat(25_000);
            sent.add(event);
            socket.send(event);
        }

        while (session.writesInFlight() > 0) {
            session.finishWrite(true);
        }

        List<String> frames = session.frames.subList(1, session.frames.size());
        assertEquals(2, frames.size(), "three events of 25,000 characters pass 60,000; the other two follow");
        assertEquals(sent, frames.stream().flatMap(frame -> Arrays.stream(frame.split("\n"))).toList());
    }

    @Test
    void aSocketThatLetsMoreThanItsLimitPileUpIsDroppedAndWritesNothingMore() {
        Connection socket = connection(3);
        socket.send("a"); // in flight: no longer queued
        socket.send("b");
        socket.send("c");
        socket.send("d");
        assertTrue(drops.isEmpty(), "three waiting events are within the limit");

        socket.send("e");

        assertEquals(List.of("slow"), drops);
        CloseReason closed = Await.value("the session closed", DEADLINE, () -> session.closed);
        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, closed.getCloseCode());
        session.finishWrite(true);
        socket.send("f");
        assertEquals(List.of("a"), session.frames, "what was queued is dropped with the socket");
        assertEquals(List.of("slow"), drops, "dropped once");
    }

    /** An event's bytes count as its UTF-8 and a newline: "a" is 2, and 40 of them are 41. */
    @Test
    void aSocketBehindByMoreBytesThanItMayHoldIsDroppedWellWithinItsEventLimit() {
        OutboundBudget budget = new OutboundBudget(100, 100, Long.MAX_VALUE, () -> 1);
        Connection socket = connection(session, budget, drops);
        socket.send("a".repeat(40)); // in flight: still held until written
        socket.send("b".repeat(40));
        assertTrue(drops.isEmpty(), "82 bytes are within 100");

        socket.send("c".repeat(40));

        assertEquals(List.of("slow"), drops);
        assertEquals(0, budget.held(), "the dropped socket's bytes are given back, the one in flight too");
        session.finishWrite(true);
        assertEquals(0, budget.held(), "a write that ends after the drop gives nothing back twice");
    }

    @Test
    void aSocketWaitingForNothingTakesAnEventLargerThanItsBytes() {
        OutboundBudget budget = new OutboundBudget(100, 1024, 1024, () -> 1);
        Connection socket = connection(session, budget, drops);

        socket.send("x".repeat(5000));

        assertEquals(1, session.frames.size());
        assertTrue(drops.isEmpty(), "a limit below one message must not close every socket it is sent to");
        session.finishWrite(true);
        assertEquals(0, budget.held());
    }

    /**
     * Beyond the node's bytes, a socket behind by more than its share of them (the node's bytes
     * over its sockets) is dropped; one within its share keeps getting everything.
     */
    @Test
    void beyondTheNodesBytesOnlyASocketBehindByMoreThanItsShareIsDropped() {
        OutboundBudget budget = new OutboundBudget(100, Long.MAX_VALUE, 200, () -> 2); // a share: 100 bytes
        Connection behind = connection(session, budget, drops);
        HeldWritesSession reading = new HeldWritesSession();
        List<String> readingDrops = new CopyOnWriteArrayList<>();
        Connection keepingUp = connection(reading, budget, readingDrops);
        behind.send("a".repeat(60)); // in flight, never finished
        behind.send("b".repeat(60));
        behind.send("c".repeat(60)); // 183 bytes: beyond its share, but the node is within its 200
        assertTrue(drops.isEmpty());

        keepingUp.send("x".repeat(9)); // waiting for nothing: taken, though the node is now beyond
        keepingUp.send("y".repeat(9)); // 20 bytes, within its share
        behind.send("d".repeat(60));

        assertEquals(List.of("slow"), drops);
        assertTrue(readingDrops.isEmpty(), readingDrops.toString());
        assertEquals(20, budget.held(), "only what waits for the socket that keeps up");
        reading.finishWrite(true);
        reading.finishWrite(true);
        assertEquals(List.of("x".repeat(9), "y".repeat(9)), reading.frames);
        assertEquals(0, budget.held());
    }

    @Test
    void aSocketItsClientClosedGivesBackWhatWaitedForIt() {
        OutboundBudget budget = new OutboundBudget(100, Long.MAX_VALUE, Long.MAX_VALUE, () -> 1);
        Connection socket = connection(session, budget, drops);
        socket.send("a");
        socket.send("b");
        socket.send("c");

        socket.ended();

        assertEquals(0, budget.held());
        session.finishWrite(true);
        socket.send("d");
        assertEquals(0, budget.held(), "neither the write ending after it nor a later event counts again");
        assertEquals(List.of("a"), session.frames);
        assertTrue(drops.isEmpty(), "the client went; the node dropped nothing");
    }

    /**
     * A refusal queued behind a write in flight, then the close it explains: {@code close} drops
     * what is queued (the refusal of a post whose session had ended reached its client in some CI
     * runs and not in others); {@code closeOnceWritten} writes it first and takes nothing new.
     */
    @Test
    void closingOnceWrittenLetsTheQueuedRefusalOutFirst() {
        Connection dropping = connection(10);
        dropping.send("message");
        dropping.send("refusal");
        dropping.close(CloseReason.CloseCodes.VIOLATED_POLICY, "Session ended");
        session.finishWrite(true);
        assertEquals(List.of("message"), session.frames, "close drops what is queued");

        HeldWritesSession other = new HeldWritesSession();
        Connection socket = connection(other, new OutboundBudget(10, Long.MAX_VALUE, Long.MAX_VALUE, () -> 1), drops);
        socket.send("message");
        socket.send("refusal");
        socket.closeOnceWritten(CloseReason.CloseCodes.VIOLATED_POLICY, "Session ended");
        socket.send("after the end");
        other.finishWrite(true);
        Await.until("the next write started", DEADLINE, () -> other.writesInFlight() == 1);
        other.finishWrite(true);
        Await.until("closed", DEADLINE, () -> other.closed != null);
        assertEquals(List.of("message", "refusal"), other.frames, "the refusal went out, nothing after the end");
        assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, other.closed.getCloseCode());
    }

    @Test
    void aFailedWriteDropsTheSocket() {
        Connection socket = connection(10);
        socket.send("a");
        socket.send("b");

        session.finishWrite(false);

        assertEquals(List.of("write_failed"), drops);
        CloseReason closed = Await.value("the session closed", DEADLINE, () -> session.closed);
        assertEquals(CloseReason.CloseCodes.UNEXPECTED_CONDITION, closed.getCloseCode());
        assertEquals(List.of("a"), session.frames);
    }

    @Test
    void withWritePassesWhatArrivesDuringAWriteGoesOutInALaterPassAsOneFrame() {
        startFlusher(Map.of("CHAT_WS_FLUSH_INTERVAL_MS", "5", "CHAT_WS_FLUSH_THREADS", "1"));
        Connection socket = connection(100);

        socket.send("a");
        Await.until("the first pass writes the first event", DEADLINE, () -> session.writesInFlight() == 1);
        IntStream.rangeClosed(1, 5).forEach(i -> socket.send("b" + i));
        session.finishWrite(true);

        Await.until("a later pass writes the rest", DEADLINE, () -> session.frames.size() == 2);
        assertEquals(List.of("a", "b1\nb2\nb3\nb4\nb5"), session.frames);
    }

    /**
     * On a node every message reaches the sockets from one thread (the message log's follower):
     * the writes are the node's writers' work, so that one thread does not cap the node at what
     * one core writes. Order and coalescing stay the socket's own.
     */
    @Test
    void onANodeTheWritersWriteAndTheSenderOnlyQueues() {
        startFlusher(Map.of());
        Connection socket = connection(100);

        socket.send("a");
        Await.until("a writer writes the first event", DEADLINE, () -> session.writesInFlight() == 1);
        IntStream.rangeClosed(1, 3).forEach(i -> socket.send("b" + i));
        session.finishWrite(true);

        Await.until("the rest follows as one frame", DEADLINE, () -> session.frames.size() == 2);
        assertEquals(List.of("a", "b1\nb2\nb3"), session.frames);
        assertTrue(session.writers.get(0).startsWith("chat-socket-writer-"), session.writers.toString());
    }

    /** The node's flusher with these settings, writing to this test's session. */
    private void startFlusher(Map<String, String> settings) {
        flusher = new OutboundFlusher();
        flusher.settings = Settings.of(settings);
        flusher.tyrus = tyrus;
        flusher.connections = new LocalConnections();
        flusher.start();
    }
}
