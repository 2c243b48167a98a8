package chat.realtime.socket;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Text messages whose sender has sent fragments of them (frames without FIN) but not yet the last
 * (docs/SECURITY.md, "No stalls"). Tyrus, Undertow and Liberty each keep such a message whole in
 * their own buffers for as long as its sender likes: 3,900 sockets each holding 60 KB of a message
 * never finished (about 230 KB of heap apiece) ran a node with 1 GiB out of memory, and a user on
 * another address waited 10 s for any answer before it did (found from outside). The endpoint takes
 * fragments as they come and keeps them here, counted for the whole node: a fragment beyond a
 * sixteenth of the heap closes its socket, so unfinished messages can pin no more. Browsers send
 * every message as one frame and never meet the limit.
 */
@ApplicationScoped
public class UnfinishedMessages {

    private final AtomicLong heldChars = new AtomicLong();
    private long limitChars;

    public UnfinishedMessages() { // sized to the heap once CDI made it
    }

    UnfinishedMessages(long limitChars) {
        this.limitChars = limitChars;
    }

    @PostConstruct
    void sizeToTheHeap() {
        limitChars = Runtime.getRuntime().maxMemory() / 16 / Character.BYTES;
    }

    /** Chars held in unfinished messages on this node. */
    long heldChars() {
        return heldChars.get();
    }

    Message start() {
        return new Message();
    }

    /** One socket's message under way. Used by the thread that reads the socket, one fragment at a time. */
    final class Message {

        enum Verdict { UNFINISHED, WHOLE, TOO_BIG, NO_ROOM }

        private final List<String> parts = new ArrayList<>(2); // joined once: a growing builder could hold twice the text
        private long chars;

        /** Takes the next fragment; once the message is whole, {@link #whole} gives it. */
        Verdict add(String part, boolean last, int maxChars) {
            if (chars + part.length() > maxChars) {
                release();
                return Verdict.TOO_BIG;
            }
            if (!last && heldChars.addAndGet(part.length()) > limitChars) {
                heldChars.addAndGet(-part.length());
                release();
                return Verdict.NO_ROOM;
            }
            parts.add(part);
            if (!last) {
                chars += part.length();
                return Verdict.UNFINISHED;
            }
            return Verdict.WHOLE;
        }

        /** The whole message, after {@link #add} said so; the message starts anew. */
        String whole() {
            String text = String.join("", parts);
            release();
            return text;
        }

        /** Gives back what the message held (it is whole, refused, or its socket closed). */
        void release() {
            heldChars.addAndGet(-chars);
            chars = 0;
            parts.clear();
        }
    }
}
