package chat.realtime.relay;

import chat.config.Settings;
import chat.messages.entity.Envelope;
import chat.messages.entity.MessageCodec;
import chat.operations.Metrics;
import chat.presence.Presence;
import chat.realtime.hub.ChannelEvents;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalConnections;
import chat.realtime.hub.LocalFanOut;
import chat.redis.RedisDisconnected;
import chat.redis.RedisKeys;
import chat.sessions.SessionEnded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.PatternStatusListener;
import org.redisson.client.codec.StringCodec;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node-to-node relay on the seed's {@code MESSAGES} channel: publishes this node's events
 * in the seed's envelope ({@link MessageCodec}) and turns other nodes' envelopes (ours or the
 * seed's Node.js/Python servers') back into events for the local fan-out. Logout travels on a
 * channel of our own. It listens to {@code MESSAGES} by pattern, not by name: Redis then counts only
 * the seed's servers (and anything else that subscribes by name) as the channel's subscribers, and the
 * posting script publishes a logged message there only when some are (docs/PROTOCOL.md, "The message
 * log"), so that our nodes do not each receive, decode and drop every message they read from the log.
 */
@ApplicationScoped
public class Relay {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final Logger LOG = Logger.getLogger(Relay.class.getName());
    private static final String SESSION_ENDED = "session.ended";
    /** Our nodes' self-test on the channels; other nodes skip it silently (the seed's would relay it to its clients, who ignore it). */
    private static final String PROBE = "relay.probe";

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    LocalFanOut fanOut;

    @Inject
    LocalConnections connections;

    @Inject
    Metrics metrics;

    @Inject
    RelayHealth health;

    @Inject
    MessageLog log;

    @Inject
    Presence presence;

    @Inject
    Event<MissedRelayEvents> missedEvents;

    private final AtomicInteger subscriptions = new AtomicInteger();
    /** Set by every subscription, read by the next heartbeat: a probe sent before it says nothing about the new subscription. */
    private final AtomicBoolean subscribedSinceVerify = new AtomicBoolean();

    private volatile boolean subscribed;
    private volatile String probeSent;
    private volatile long probeSentNanos;
    private volatile String probeHeard;
    private volatile String probeHeardOnControl;
    private volatile boolean verified;
    private volatile boolean deaf;
    private int missedProbes;
    private String ownPrefix; // how this node's envelopes start; built once, racy but idempotent

    /** Subscribes once; Redisson re-subscribes by itself after reconnecting. */
    public synchronized void subscribe() {
        if (subscribed) {
            return;
        }
        listen();
        subscribed = true;
    }

    private void listen() {
        // First, so that it sees the subscription the message listener makes; called again at every re-subscription.
        subscription().addListener(new PatternStatusListener() {
            @Override
            public void onPSubscribe(String pattern) {
                subscribedSinceVerify.set(true);
                health.subscribed();
                if (subscriptions.incrementAndGet() > 1) {
                    // Subscribed again (Redisson reconnected, or the probe renewed it): presence and the seed's
                    // events published meanwhile are lost to pub/sub; the clients re-read them (messages
                    // of our nodes come from the log and are not lost), and the node looks for sessions that ended unheard.
                    log.resyncSockets(false, "the relay subscribed again");
                    missedEvents.fire(new MissedRelayEvents());
                }
            }

            @Override
            public void onPUnsubscribe(String pattern) {
            }
        });
        subscription().addListener(String.class, (pattern, channel, payload) -> receive(payload));
        control().addListener(String.class, (channel, payload) -> receiveControl(payload));
    }

    /**
     * Checks that the subscription really delivers: the node publishes a probe on both channels
     * and must hear it itself. We have seen a node that had just joined stay deaf to the channel
     * although Redis listed it as a subscriber; a subscription that missed two probes in a row is
     * renewed (not one: a renewal itself leaves a gap of a few milliseconds). A probe that could
     * not be published (Redis away) counts for nothing, and neither does one unheard when Redisson
     * subscribed again since the last heartbeat: it may have gone out while the old subscription
     * was dead (a connection closing sends one at once), and the loss was counted when Redisson
     * noticed it. Called on every heartbeat.
     */
    public synchronized void verify() {
        if (!subscribed) {
            return;
        }
        String sent = probeSent;
        boolean resubscribed = subscribedSinceVerify.getAndSet(false);
        if (sent != null) {
            boolean heard = sent.equals(probeHeard) && sent.equals(probeHeardOnControl);
            missedProbes = heard || resubscribed ? 0 : missedProbes + 1;
            if (missedProbes >= 2) {
                health.lost("two probes in a row unheard; subscribing again");
                deaf = true;
            }
        }
        probeSent = null;
        if (deaf) { // stays set until a renewal went through, so a failed one is retried
            subscription().removeAllListeners();
            control().removeAllListeners();
            listen();
            deaf = false;
            missedProbes = 0;
        }
        publishProbe();
    }

    /**
     * A connection to Redis closed. If it was the subscription's, Redisson re-subscribes; until it
     * has (or a probe sent from now on is heard) the relay counts as deaf. A probe goes out at once,
     * so that a closed pool connection clears within milliseconds instead of at the next heartbeat.
     */
    void disconnected(@Observes RedisDisconnected event) {
        if (!subscribed) {
            return;
        }
        health.mayBeDeaf("a connection to Redis closed"); // not which: /health/ready is public, and the address is the Redis's
        CompletableFuture.runAsync(() -> { // never on Redisson's I/O thread, which calls this
            try {
                synchronized (this) {
                    publishProbe();
                }
            } catch (RuntimeException redisAway) {
                LOG.fine(() -> "Probe not sent: " + redisAway);
            }
        });
    }

    /** Sends a new probe on both channels; the heartbeat's next {@link #verify} checks that it came back. */
    private void publishProbe() {
        String probe = UUID.randomUUID().toString();
        probeSentNanos = System.nanoTime();
        probeSent = probe; // before publishing: the listener may hear it before publish returns
        try {
            control().publish(JSON.createObjectBuilder().add("serverId", settings.serverId()).add("type", PROBE)
                    .add("probe", probe).build().toString());
            topic().publish(MessageCodec.envelope(settings.serverId(), PROBE,
                    JSON.createObjectBuilder().add("probe", probe).build().toString(), false));
        } catch (RuntimeException notPublished) {
            probeSent = null;
            throw notPublished;
        }
    }

    /** Heard its probe once and hears other nodes now (not deaf, not repairing). */
    public boolean isListening() {
        return verified && health.isListening();
    }

    /** What {@code /health/ready} says about the relay. */
    public String listeningDetail() {
        return verified ? health.detail() : "has not heard its own probe yet";
    }

    public synchronized void unsubscribe() {
        if (subscribed) {
            subscription().removeAllListeners();
            control().removeAllListeners();
            subscribed = false;
        }
    }

    /**
     * An event of this node that was not published yet (presence): delivered to this node's
     * sockets, then published for the others. A failed publish is logged, not thrown: the event
     * happened, and this node's clients have it.
     */
    void announce(@Observes ChatEvent event) {
        fanOut.deliver(event);
        publish(event, false);
    }

    /**
     * Publishes one of this node's events on {@code MESSAGES}; false (and logged) when Redis did
     * not take it. {@code logged}: our nodes read it from the message log, only the seed's servers need this.
     */
    public boolean publish(ChatEvent event, boolean logged) {
        try {
            topic().publish(MessageCodec.envelope(settings.serverId(), event.type(), event.dataJson(), logged));
            return true;
        } catch (RuntimeException e) {
            LOG.warning(() -> "A '" + event.type() + "' event reached this node's sockets but not the other nodes: " + e);
            return false;
        }
    }

    /** What the posting script needs to publish a message in this node's envelope. */
    public String envelopeHead(String type) {
        return MessageCodec.envelopeHead(settings.serverId(), type);
    }

    /** How this node's envelopes start (the server id is fixed, so it is quoted once, not per message). */
    private String ownPrefix() {
        String prefix = ownPrefix;
        if (prefix == null) {
            prefix = "{\"serverId\":" + MessageCodec.quote(settings.serverId()) + ",\"type\":";
            ownPrefix = prefix;
        }
        return prefix;
    }

    void sessionEnded(@Observes SessionEnded ended) {
        connections.closeSession(ended.sessionKey(), "Logged out");
        control().publish(JSON.createObjectBuilder().add("serverId", settings.serverId()).add("type", SESSION_ENDED)
                .add("sessionKey", ended.sessionKey()).build().toString());
    }

    void receive(String payload) {
        if (isOwnEvent(payload)) {
            return; // this node delivered it already; no need to parse what it wrote itself
        }
        Optional<Envelope> parsed = MessageCodec.parseEnvelope(payload);
        if (parsed.isEmpty()) {
            LOG.warning(() -> "Skipping a malformed envelope: " + abbreviate(payload));
            return;
        }
        Envelope envelope = parsed.get();
        if (PROBE.equals(envelope.type())) {
            if (settings.serverId().equals(envelope.serverId()) && envelope.data() != null) {
                heardProbe(MessageCodec.text(envelope.data().get("probe")), false);
            }
            return;
        }
        if (settings.serverId().equals(envelope.serverId()) || envelope.logged()) {
            return; // our own, or one that every node of ours reads from the message log
        }
        if (envelope.sentAt() != null) {
            metrics.relayLag(System.currentTimeMillis() - envelope.sentAt());
        }
        if (envelope.type() == null || envelope.data() == null) {
            LOG.warning(() -> "Skipping an envelope without type or data: " + abbreviate(payload));
            return;
        }
        if (ChannelEvents.isChannelEvent(envelope.type())) {
            List<ChatEvent> channelEvents = ChannelEvents.relayed(envelope.type(), envelope.data());
            if (channelEvents.isEmpty()) {
                LOG.warning(() -> "Skipping a channel envelope that is not understood: " + abbreviate(payload));
            }
            channelEvents.forEach(fanOut::deliver);
            return;
        }
        ChatEvent event = switch (envelope.type()) {
            case ChatEvent.MESSAGE, ChatEvent.MESSAGE_EDITED, ChatEvent.MESSAGE_DELETED -> MessageCodec.fromJson(envelope.data())
                    .map(m -> new ChatEvent(envelope.type(), MessageCodec.toJson(m), null, m.roomId()))
                    .orElse(null);
            case ChatEvent.USER_CONNECTED, ChatEvent.USER_DISCONNECTED -> presence(envelope.type(), envelope.data());
            case ChatEvent.SHOW_ROOM -> showRoom(envelope.data());
            default -> null;
        };
        if (event == null) {
            LOG.warning(() -> "Skipping an envelope that is not understood: " + abbreviate(payload));
            return;
        }
        boolean presenceOfASeedServer = envelope.sentAt() == null // only our nodes date their envelopes
                && (ChatEvent.USER_CONNECTED.equals(event.type()) || ChatEvent.USER_DISCONNECTED.equals(event.type()));
        if (presenceOfASeedServer) {
            presence.seedServerSaid(MessageCodec.idText(envelope.data().get("id")), ChatEvent.USER_CONNECTED.equals(event.type()),
                    () -> fanOut.deliver(event));
            return;
        }
        fanOut.deliver(event);
    }

    /** An event this node published (its envelopes start with its server id, then a type that is not the probe). */
    private boolean isOwnEvent(String payload) {
        String own = ownPrefix();
        return payload.startsWith(own) && !payload.startsWith("\"" + PROBE + "\"", own.length());
    }

    void receiveControl(String payload) {
        try {
            JsonObject message = parse(payload);
            if (PROBE.equals(text(message.get("type")))) {
                if (settings.serverId().equals(text(message.get("serverId")))) {
                    heardProbe(text(message.get("probe")), true);
                }
                return;
            }
            if (!settings.serverId().equals(text(message.get("serverId")))
                    && SESSION_ENDED.equals(text(message.get("type")))) {
                String key = text(message.get("sessionKey"));
                if (key != null) {
                    connections.closeSession(key, "Logged out");
                }
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "Skipping a malformed control message: " + abbreviate(payload));
        }
    }

    /**
     * The node's own probe came back on MESSAGES or on the control channel; both must, for the
     * relay to count as working. Never takes a lock: listeners may run on Redisson's I/O threads,
     * which the heartbeat's publish waits for.
     */
    private void heardProbe(String probe, boolean onControl) {
        if (probe == null || !probe.equals(probeSent)) {
            return;
        }
        if (onControl) {
            probeHeardOnControl = probe;
        } else {
            probeHeard = probe;
        }
        if (probe.equals(probeHeard) && probe.equals(probeHeardOnControl)) {
            verified = true;
            health.heardProbeSentAt(probeSentNanos);
        }
    }

    private static ChatEvent presence(String type, JsonObject data) {
        String id = MessageCodec.idText(data.get("id"));
        String username = text(data.get("username"));
        if (id == null || username == null) {
            return null;
        }
        String json = JSON.createObjectBuilder().add("id", id).add("username", username)
                .add("online", ChatEvent.USER_CONNECTED.equals(type)).build().toString();
        return new ChatEvent(type, json, null, null);
    }

    /** The seed's Node.js server nests the names ({@code [["Pablo"],["Joe"]]}); we send them flat. */
    private static ChatEvent showRoom(JsonObject data) {
        String roomId = text(data.get("id"));
        if (roomId == null || !(data.get("names") instanceof JsonArray names)) {
            return null;
        }
        JsonArrayBuilder flat = JSON.createArrayBuilder();
        for (JsonValue name : names) {
            JsonValue single = name instanceof JsonArray nested && !nested.isEmpty() ? nested.get(0) : name;
            if (single instanceof JsonString s) {
                flat.add(s.getString());
            }
        }
        var members = chat.rooms.control.RoomId.privateMembers(roomId);
        if (members.isEmpty()) {
            return null;
        }
        String json = JSON.createObjectBuilder().add("id", roomId).add("names", flat).build().toString();
        return new ChatEvent(ChatEvent.SHOW_ROOM, json, List.copyOf(members.get()), roomId);
    }

    private static JsonObject parse(String payload) {
        try (var reader = JSON.createReader(new StringReader(payload))) {
            return reader.readObject();
        }
    }

    private static String text(JsonValue value) {
        return MessageCodec.text(value);
    }

    /** For publishing on {@code MESSAGES}. */
    private RTopic topic() {
        return redis.getTopic(RedisKeys.CHANNEL, StringCodec.INSTANCE);
    }

    /** For listening to {@code MESSAGES}: a pattern that matches only that name (it has no wildcard). */
    private RPatternTopic subscription() {
        return redis.getPatternTopic(RedisKeys.CHANNEL, StringCodec.INSTANCE);
    }

    private RTopic control() {
        return redis.getTopic(RedisKeys.CONTROL_CHANNEL, StringCodec.INSTANCE);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
