package chat.realtime.socket;

import chat.config.AppThreads;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that write idle sockets at once ({@link OutboundFlusher}'s default mode), one per
 * core and at least two ({@code CHAT_WS_FLUSH_THREADS}). Every message reaches this node's
 * sockets from one thread, the message log's follower, and each socket write is a system call:
 * written on that thread, a node delivered at most what one core writes (about 45,000 deliveries
 * a second). A lane is a thread with a queue of sockets to write; it sleeps when the queue is
 * empty and only then needs waking, so a message for a hundred sockets costs a wake-up per lane,
 * not per socket (a thread pool signalled a thread for every socket: 1.3 cores at 30,000
 * deliveries a second). Each socket keeps to one lane.
 */
final class WriteLanes {

    private static final Logger LOG = Logger.getLogger(WriteLanes.class.getName());

    private final Lane[] lanes;

    WriteLanes(int count, String name) {
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(name + "-" + (i + 1));
        }
    }

    /** Queues the socket for a write of what it has pending. */
    void write(Connection connection) {
        lanes[Math.floorMod(System.identityHashCode(connection), lanes.length)].add(connection);
    }

    void stop() {
        for (Lane lane : lanes) {
            lane.stop();
        }
    }

    private static final class Lane implements Runnable {

        private final ConcurrentLinkedQueue<Connection> queue = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean sleeping;
        private volatile boolean running = true;

        Lane(String name) {
            thread = AppThreads.daemon(name, this);
            thread.start();
        }

        void add(Connection connection) {
            queue.add(connection);
            // Read after the add: a lane going to sleep looks at its queue once more after saying so.
            // Cleared here, not by the lane when it runs again: until then the rest of a message's
            // sockets would each wake it once more (a futex call each, a third of the follower's time).
            if (sleeping) {
                sleeping = false;
                LockSupport.unpark(thread);
            }
        }

        void stop() {
            running = false;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (running) {
                Connection connection = queue.poll();
                if (connection != null) {
                    try {
                        connection.writeHandedOff();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "Writing a socket failed", e);
                        connection.failed(e);
                    } catch (Error e) { // thrown on, it would end the lane and leave its sockets unwritten
                        LOG.log(Level.SEVERE, "Writing a socket failed with an error", e);
                        connection.failed(new IllegalStateException(e));
                    }
                } else {
                    sleeping = true;
                    if (queue.isEmpty() && running) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                }
            }
        }
    }
}
