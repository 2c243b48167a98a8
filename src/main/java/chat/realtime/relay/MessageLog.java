package chat.realtime.relay;

import chat.config.AppThreads;
import chat.config.Settings;
import chat.messages.entity.ChatMessage;
import chat.messages.entity.MessageCodec;
import chat.messages.entity.MessageId;
import chat.operations.Metrics;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalConnections;
import chat.realtime.hub.LocalFanOut;
import chat.realtime.hub.OutboundEvent;
import chat.redis.Redis;
import chat.redis.RedisConnectionClosed;
import chat.redis.RedisKeys;
import chat.redis.StoreReset;
import chat.rooms.control.RoomId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.options.PlainOptions;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

import java.io.StringReader;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The message log (docs/RELIABILITY.md): a capped Redis stream of every message, edit,
 * deletion and {@code show.room} event our nodes post, written in the same atomic step that stores the
 * message, and read by every node, this one included, from its last position. So each node
 * delivers every logged event once and in sequence order, and a node that lost Redis for a while
 * (a dropped connection, a restart, a failover) reads on from where it stopped instead of
 * missing what was posted meanwhile. Pub/sub ({@code MESSAGES}) still carries every event for the
 * seed's servers, and the seed's events to us.
 *
 * <p>Two things the log cannot repair are told to the clients instead, with a {@code resync}
 * frame: entries trimmed before this node read them (it was more than {@link #CAP} entries
 * behind), which the clients catch up over HTTP; and a message sequence that went backwards (a
 * failover to a replica that lost the last writes, a reset counter), which changes the epoch and
 * makes the clients reload, since their positions may name messages that no longer exist.
 */
@ApplicationScoped
public class MessageLog {

    /** About how many entries the log keeps ({@code XADD MAXLEN ~}): minutes of a busy chat, a few MB of Redis. */
    public static final int CAP = 10_000;

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(MessageLog.class.getName());
    private static final int BATCH = 512;
    /** Well under Redisson's ping timeout: its ping waits behind the read ({@link Redis#readStream}). */
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final StreamMessageId ORIGIN = new StreamMessageId(0, 0);
    /**
     * How often a node looks at the epoch while it reads the log without errors: the sockets of the
     * users a Redis without its data forgot must close before anyone gets their ids ({@link StoreReset}).
     */
    private static final long LOOK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Comparator<StreamMessageId> ORDER =
            Comparator.comparingLong(StreamMessageId::getId0).thenComparingLong(StreamMessageId::getId1);
    /** KEYS: epoch. ARGV: the epoch the caller knew, a new one. Replaces the epoch only if it is still the known one. */
    private static final String ROTATE = """
            local current = redis.call('GET', KEYS[1])
            if current == false or current == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2])
              return ARGV[2]
            end
            return current
            """;

    @Inject
    RedissonClient redis;

    @Inject
    Redis client;

    @Inject
    Settings settings;

    @Inject
    LocalFanOut fanOut;

    @Inject
    LocalConnections connections;

    @Inject
    Metrics metrics;

    @Inject
    Relay relay;

    @Inject
    RelayHealth health;

    @Inject
    StoreReset storeReset;

    @Inject
    Event<EpochChanged> epochChanged;

    /** The follower's read in flight (given up when a connection to Redis closes: {@link #connectionClosed}). */
    private volatile PendingRead<Read> inFlight;
    private volatile boolean running;
    private volatile boolean following;
    private volatile String epoch;
    private Thread follower;
    // Only the follower thread touches these once it runs.
    private StreamMessageId position;
    private long lastSequence;
    private boolean behind;
    private int repaired = -1; // entries read since the log could be read again, until caught up; -1: not repairing
    private long lastLook = System.nanoTime();

    /** Starts following the log from its current end (retried by the node until Redis answers). */
    public synchronized void start() {
        if (running) {
            return;
        }
        epoch = readEpoch();
        position = lastEntry();
        lastSequence = sequence();
        following = true;
        running = true;
        follower = AppThreads.daemon("chat-message-log-" + settings.serverId(), this::follow);
        follower.start();
        LOG.info(() -> "Following the message log from " + position + " (epoch " + epoch + ")");
    }

    public synchronized void stop() {
        running = false;
        if (follower != null) {
            follower.interrupt();
            try {
                follower.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            follower = null;
        }
    }

    /** Whether the node reads the log without errors (false from a failed read until a read succeeds again). */
    public boolean isFollowing() {
        return running && following;
    }

    /** The current epoch of message positions, for the clients' {@code ready} frame. */
    public String epoch() {
        String known = epoch;
        if (known == null) {
            known = readEpoch();
            epoch = known;
        }
        return known;
    }

    /**
     * Announces an event of this node that belongs in the log (a message, its edit or deletion,
     * {@code show.room}): into the log, from which every node delivers it, then on {@code MESSAGES}
     * for the seed's servers. If the log does not take it, this node's sockets get it directly and
     * the other nodes over pub/sub. Never throws: the event happened.
     */
    public void announce(ChatEvent event) {
        try {
            append(event);
        } catch (RuntimeException e) {
            LOG.warning(() -> "A '" + event.type() + "' event could not be logged, relaying it directly: " + e);
            fanOut.deliver(event);
            relay.publish(event, false);
            return;
        }
        relay.publish(event, true);
    }

    private void append(ChatEvent event) {
        // Never retried: a retried XADD would log the event twice.
        redis.<String, String>getStream(PlainOptions.name(RedisKeys.MESSAGE_LOG).codec(StringCodec.INSTANCE).retryAttempts(0))
                .add(StreamAddArgs.entries(MessageCodec.LOG_TYPE, event.type(), MessageCodec.LOG_DATA, event.dataJson())
                        .trimNonStrict().maxLen(CAP).noLimit());
    }

    /**
     * Tells every socket of this node to catch up over HTTP (events this node may have missed) or,
     * with {@code reload}, to reload (positions of the old epoch mean nothing any more); logged and counted.
     */
    public void resyncSockets(boolean reload, String why) {
        String frame = ChatEvent.frame("resync", JSON.createObjectBuilder().add("epoch", epoch())
                .add("reload", reload).build().toString());
        int sockets = connections.sendToAll(new OutboundEvent(frame));
        health.resynchronised(why, reload, sockets);
    }

    private void follow() {
        long backoffMillis = 100;
        while (running) {
            try {
                if (!following || behind || epochChangedUnseen()) {
                    checkContinuity();
                }
                PendingRead<Read> pending = new PendingRead<>();
                inFlight = pending;
                pending.expect(client.readStream(RedisKeys.MESSAGE_LOG, position, BATCH, BLOCK), this::deliverOnArrival);
                Optional<Read> reply = pending.await();
                if (reply.isEmpty()) { // given up: read again from the same position, and look at the epoch first
                    lastLook = System.nanoTime() - LOOK_EVERY_NANOS;
                    continue;
                }
                Read batch = reply.get();
                int read = batch.read();
                if (!batch.left().isEmpty()) {
                    long now = System.currentTimeMillis();
                    batch.left().entrySet().stream().sorted(Map.Entry.comparingByKey(ORDER)).forEach(entry -> delivered(entry, now));
                }
                behind = read == BATCH; // more may be waiting, and the oldest may be trimmed soon
                if (repaired >= 0) {
                    repaired += read;
                    if (!behind) {
                        health.repairFinished(repaired);
                        repaired = -1;
                    }
                }
                backoffMillis = 100;
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                if (!running) {
                    return;
                }
                if (e instanceof Error) { // thrown on, it would end the follower without a word while the node says it follows
                    LOG.log(Level.SEVERE, "Reading the message log failed with an error; trying again", e);
                }
                if (following) {
                    following = false;
                    if (repaired >= 0) {
                        health.repairFinished(repaired);
                        repaired = -1;
                    }
                    LOG.warning(() -> "The message log cannot be read; reading on from " + position
                            + " when Redis answers: " + e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis)); // Redis is away: don't spin
                backoffMillis = Math.min(2000, backoffMillis * 2);
            }
        }
    }

    /**
     * A connection to Redis closed: the read in flight is given up and sent again, since it may have
     * gone out on that connection and would then end only with its response timeout, delivery
     * stalled for three seconds (found with {@code CLIENT KILL TYPE normal}). If it was another
     * connection, the read is sent once more than needed. Called on Redisson's I/O thread: only wakes the follower.
     */
    void connectionClosed(@Observes RedisConnectionClosed event) {
        PendingRead<Read> read = inFlight;
        if (read != null) {
            read.giveUp();
        }
    }

    /** What one read of the log brought: how many entries, and those still to deliver. */
    private record Read(int read, Map<StreamMessageId, Map<String, String>> left) {
    }

    /**
     * Where the log's reply arrives (a Netty thread, while the follower waits for it): a single
     * new message whose receivers this node knows without asking Redis is delivered from here,
     * sparing it the follower's wake-up (0.07 ms off the median delivery at low load,
     * docs/bench/ROUND-4-NOTES.md). Several entries (the follower's sorting and pace; it coalesces), and
     * anything that may need Redis (a sequence to check, a channel's members, which a Netty
     * thread must not wait for), are left to the follower. The follower asks for the next entries
     * only after this returns, so every node still delivers the log once and in order.
     */
    private Read deliverOnArrival(Map<StreamMessageId, Map<String, String>> batch) {
        if (batch == null || batch.isEmpty()) {
            return new Read(0, Map.of());
        }
        if (batch.size() == 1 && following && !behind) {
            Map.Entry<StreamMessageId, Map<String, String>> entry = batch.entrySet().iterator().next();
            Map<String, String> fields = entry.getValue();
            Optional<ChatMessage> message = knownWithoutRedis(fields);
            if (message.isPresent()) {
                try {
                    deliverMessage(message.get(), fields.get(MessageCodec.LOG_DATA), fields.get(MessageCodec.LOG_RECIPIENTS));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Skipping a log entry that could not be delivered: " + fields, e);
                }
                advance(entry.getKey(), System.currentTimeMillis());
                return new Read(1, Map.of());
            }
        }
        return new Read(batch.size(), batch);
    }

    /** A message of ours with a new number, for General, a private room, or a channel whose members came with it. */
    private Optional<ChatMessage> knownWithoutRedis(Map<String, String> fields) {
        if (!ChatEvent.MESSAGE.equals(fields.get(MessageCodec.LOG_TYPE)) || fields.get(MessageCodec.LOG_DATA) == null) {
            return Optional.empty();
        }
        return MessageCodec.parse(fields.get(MessageCodec.LOG_DATA))
                .filter(m -> MessageId.parse(m.id()).map(MessageId::sequence).orElse(0L) > lastSequence)
                .filter(m -> fields.get(MessageCodec.LOG_RECIPIENTS) != null || !RoomId.isChannel(m.roomId()));
    }

    private void delivered(Map.Entry<StreamMessageId, Map<String, String>> entry, long now) {
        deliver(entry.getValue());
        advance(entry.getKey(), now);
    }

    private void advance(StreamMessageId to, long now) {
        position = to;
        metrics.relayLag(now - to.getId0());
    }

    /**
     * Once a second, while the log is read without errors: is the epoch still the one this node
     * knows? Redis may have lost its data without a failed read (restarted between two reads, flushed).
     */
    private boolean epochChangedUnseen() {
        long now = System.nanoTime();
        if (now - lastLook < LOOK_EVERY_NANOS) {
            return false;
        }
        lastLook = now;
        return !readEpoch().equals(epoch);
    }

    /**
     * After a failed read, when far behind, or when the epoch changed: did the epoch change (also:
     * is it gone with the rest of Redis's data), did the sequence go back, were entries trimmed before
     * this node read them?
     */
    private void checkContinuity() {
        String current = readEpoch();
        long sequence = sequence();
        if (current.equals(epoch) && sequence < lastSequence) {
            current = rotate(epoch);
        }
        if (!current.equals(epoch)) {
            position = lastEntry(); // the clients reload; what the log holds may be another history
            restartAt(current, sequence);
        } else if (trimmedPast(position)) {
            resyncSockets(false, "the message log was trimmed past this node's position " + position);
        }
        behind = false;
        if (!following) {
            following = true;
            repaired = 0;
            health.repairStarted();
            LOG.info(() -> "The message log is read again from " + position + ": delivering what was posted meanwhile");
        }
    }

    private void deliver(Map<String, String> entry) {
        String type = entry.get(MessageCodec.LOG_TYPE);
        String data = entry.get(MessageCodec.LOG_DATA);
        if (type == null || data == null) {
            return;
        }
        try {
            if (ChatEvent.MESSAGE.equals(type)) {
                String to = entry.get(MessageCodec.LOG_RECIPIENTS);
                MessageCodec.parse(data).ifPresent(message -> deliverMessage(message, data, to));
            } else if (ChatEvent.MESSAGE_EDITED.equals(type) || ChatEvent.MESSAGE_DELETED.equals(type)) {
                MessageCodec.parse(data).ifPresent(m -> fanOut.deliver(new ChatEvent(type, data,
                        RoomId.privateMembers(m.roomId()).map(List::copyOf).orElse(null), m.roomId())));
            } else if (ChatEvent.SHOW_ROOM.equals(type)) {
                JsonObject json = JSON.createReader(new StringReader(data)).readObject();
                String roomId = MessageCodec.text(json.get("id"));
                RoomId.privateMembers(roomId).ifPresent(members ->
                        fanOut.deliver(new ChatEvent(ChatEvent.SHOW_ROOM, data, List.copyOf(members), roomId)));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Skipping a malformed log entry: " + entry, e);
        }
    }

    /**
     * @param json the message as stored, which is what every client receives
     * @param to a channel's members when it was stored (null: found by the hub)
     */
    private void deliverMessage(ChatMessage message, String json, String to) {
        long sequence = MessageId.parse(message.id()).map(MessageId::sequence).orElse(Long.MAX_VALUE);
        if (sequence == Long.MAX_VALUE) {
            sequence = lastSequence; // not one of our ids (the log holds only ours): nothing to learn from it
        } else if (sequence <= lastSequence) {
            // Not proof that the counter went back: the first message of a private room draws its number
            // before the calls that announce the room and is logged after them, behind later numbers
            // (and a Redis Cluster logs on several shards). Ask the counter.
            long counter = sequence();
            if (counter < lastSequence) {
                long last = lastSequence;
                LOG.warning(() -> "The message sequence went back from " + last + " to " + counter + ": new epoch");
                restartAt(rotate(epoch), sequence);
            }
        }
        lastSequence = Math.max(lastSequence, sequence);
        List<String> recipients = to != null ? List.of(to.split(","))
                : RoomId.privateMembers(message.roomId()).map(List::copyOf).orElse(null);
        fanOut.deliver(new ChatEvent(ChatEvent.MESSAGE, json, recipients, message.roomId()));
    }

    /**
     * A new epoch: positions start over and the clients reload; first the sockets whose sessions
     * went with the data (when Redis lost it) are closed, before anything of the new epoch reaches them.
     */
    private void restartAt(String newEpoch, long sequence) {
        String old = epoch;
        epoch = newEpoch;
        lastSequence = sequence;
        epochChanged.fire(new EpochChanged());
        resyncSockets(true, "the message epoch changed from " + old + " to " + newEpoch);
    }

    /** Whether entries after {@code after} were trimmed: the log now starts later. */
    private boolean trimmedPast(StreamMessageId after) {
        if (ORIGIN.equals(after)) {
            return false;
        }
        Map<StreamMessageId, Map<String, String>> first = stream().range(1, StreamMessageId.MIN, StreamMessageId.MAX);
        return first.keySet().stream().anyMatch(id -> ORDER.compare(id, after) > 0);
    }

    private StreamMessageId lastEntry() {
        return stream().rangeReversed(1, StreamMessageId.MAX, StreamMessageId.MIN).keySet().stream().findFirst().orElse(ORIGIN);
    }

    private long sequence() {
        String value = redis.<String>getBucket(RedisKeys.MESSAGE_SEQUENCE, StringCodec.INSTANCE).get();
        return value == null ? 0 : Long.parseLong(value);
    }

    private String readEpoch() {
        var bucket = redis.<String>getBucket(RedisKeys.MESSAGE_EPOCH, StringCodec.INSTANCE);
        String current = bucket.get();
        if (current != null) {
            return current;
        }
        if (epoch != null) {
            storeReset.noticed(); // before a new epoch ends the refusal of registrations that its absence means
        }
        bucket.setIfAbsent(UUID.randomUUID().toString());
        return bucket.get();
    }

    private String rotate(String known) {
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, ROTATE, RScript.ReturnType.VALUE,
                List.of(RedisKeys.MESSAGE_EPOCH), known, UUID.randomUUID().toString());
    }

    private RStream<String, String> stream() {
        return redis.getStream(RedisKeys.MESSAGE_LOG, StringCodec.INSTANCE);
    }
}
