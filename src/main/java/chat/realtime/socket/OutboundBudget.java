package chat.realtime.socket;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * How much may wait to be written to this node's sockets: events per socket, bytes per socket and
 * bytes for the node (the events' UTF-8, queued or in a write not yet finished; docs/PROTOCOL.md,
 * "Limits"). A socket beyond is dropped as too slow and its client catches up when it comes back,
 * so nothing is lost, and no client that stops reading can pin the node's heap: before, a few
 * dozen accounts whose sockets never read, each sent direct messages of 5,000 emoji, held 4,096
 * events of 20 KB per socket and ran a node with 1 GiB of heap out of memory in a minute.
 */
final class OutboundBudget {

    private final int socketEvents;
    private final long socketBytes;
    private final long nodeBytes;
    private final IntSupplier sockets;
    private final LongAdder held = new LongAdder(); // added to per event and socket from every writing thread: no one contended word

    /**
     * @param sockets how many sockets the node holds: beyond {@code nodeBytes} each may keep its
     *                share of them, and a socket behind by more is dropped
     */
    OutboundBudget(int socketEvents, long socketBytes, long nodeBytes, IntSupplier sockets) {
        this.socketEvents = socketEvents;
        this.socketBytes = socketBytes;
        this.nodeBytes = nodeBytes;
        this.sockets = sockets;
    }

    int socketEvents() {
        return socketEvents;
    }

    /**
     * Whether a socket holding {@code backlog} bytes may take {@code bytes} more. A socket that holds
     * nothing always takes the next event, however large: a limit below one message must not close
     * every socket that is sent one.
     */
    boolean admits(long backlog, long bytes) {
        if (backlog == 0) {
            return true;
        }
        long after = backlog + bytes;
        return after <= socketBytes
                && (held.sum() + bytes <= nodeBytes || after <= nodeBytes / Math.max(1, sockets.getAsInt()));
    }

    /** A socket's backlog grew (or, negative, shrank) by this many bytes. */
    void add(long bytes) {
        held.add(bytes);
    }

    /** Bytes waiting for all of this node's sockets. */
    long held() {
        return held.sum();
    }
}
