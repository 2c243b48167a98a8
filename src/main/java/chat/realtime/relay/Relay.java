package chat.realtime.relay;

import chat.realtime.hub.LocalConnections;
import chat.realtime.hub.ChannelEvents;
import chat.realtime.hub.ChatEvent;

import chat.config.Settings;
import chat.messages.control.MessageFormat;
import chat.operations.Metrics;
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
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;

import java.io.StringReader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node-to-node relay on the seed's {@code MESSAGES} channel: publishes this node's events
 * in the seed's envelope and turns other nodes' envelopes (ours or the seed's Node.js/Python
 * servers') back into events for the local fan-out. Logout travels on a channel of our own.
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
    Event<ChatEvent> events;

    @Inject
    LocalConnections connections;

    @Inject
    Metrics metrics;

    @Inject
    RelayHealth health;

    private volatile boolean subscribed;
    private volatile String probeSent;
    private volatile long probeSentNanos;
    private volatile String probeHeard;
    private volatile String probeHeardOnControl;
    private volatile boolean verified;
    private volatile boolean deaf;
    private int missedProbes;
    private String envelopePrefix; // {"serverId":<this node>,"type": — built once, racy but idempotent

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
        topic().addListener(new StatusListener() {
            @Override
            public void onSubscribe(String channel) {
                health.subscribed();
            }

            @Override
            public void onUnsubscribe(String channel) {
            }
        });
        topic().addListener(String.class, (channel, payload) -> receive(payload));
        control().addListener(String.class, (channel, payload) -> receiveControl(payload));
    }

    /**
     * Checks that the subscription really delivers: the node publishes a probe on both channels
     * and must hear it itself. We have seen a node that had just joined stay deaf to the channel
     * although Redis listed it as a subscriber; a subscription that missed two probes in a row is
     * renewed (not one: a renewal itself leaves a gap of a few milliseconds). A probe that could
     * not be published (Redis away) counts for nothing. Called on every heartbeat.
     */
    public synchronized void verify() {
        if (!subscribed) {
            return;
        }
        String sent = probeSent;
        if (sent != null) {
            boolean heard = sent.equals(probeHeard) && sent.equals(probeHeardOnControl);
            missedProbes = heard ? 0 : missedProbes + 1;
            if (missedProbes >= 2) {
                health.lost("two probes in a row unheard; subscribing again");
                deaf = true;
            }
        }
        probeSent = null;
        if (deaf) { // stays set until a renewal went through, so a failed one is retried
            topic().removeAllListeners();
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
        health.mayBeDeaf("a connection to Redis closed (" + event.address() + ")");
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
        String probe = java.util.UUID.randomUUID().toString();
        probeSentNanos = System.nanoTime();
        probeSent = probe; // before publishing: the listener may hear it before publish returns
        try {
            control().publish(JSON.createObjectBuilder().add("serverId", settings.serverId()).add("type", PROBE)
                    .add("probe", probe).build().toString());
            topic().publish("{\"serverId\":" + ChatEvent.quote(settings.serverId()) + ",\"type\":\"" + PROBE
                    + "\",\"data\":{\"probe\":" + ChatEvent.quote(probe) + "}}");
        } catch (RuntimeException notPublished) {
            probeSent = null;
            throw notPublished;
        }
    }

    /** Whether the relay has heard its own probe on both channels at least once. */
    public boolean isVerified() {
        return verified;
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
            topic().removeAllListeners();
            control().removeAllListeners();
            subscribed = false;
        }
    }

    void publish(@Observes ChatEvent event) {
        if (!event.relayed()) {
            topic().publish(envelopeStart(event.type()) + event.dataJson() + envelopeEnd());
        }
    }

    /** The seed's envelope up to an event's data. */
    public String envelopeStart(String type) {
        return envelopePrefix() + ChatEvent.quote(type) + ",\"data\":";
    }

    /** What every envelope of this node starts with; the server id is fixed, so it is quoted once, not per message. */
    private String envelopePrefix() {
        String prefix = envelopePrefix;
        if (prefix == null) {
            prefix = "{\"serverId\":" + ChatEvent.quote(settings.serverId()) + ",\"type\":";
            envelopePrefix = prefix;
        }
        return prefix;
    }

    /** The envelope after the data: an extra field for the relay's lag (the seed ignores it). */
    public static String envelopeEnd() {
        return ",\"sentAt\":" + System.currentTimeMillis() + "}";
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
        try {
            JsonObject envelope = parse(payload);
            if (PROBE.equals(text(envelope.get("type")))) {
                if (settings.serverId().equals(text(envelope.get("serverId"))) && envelope.get("data") instanceof JsonObject data) {
                    heardProbe(text(data.get("probe")), false);
                }
                return;
            }
            if (settings.serverId().equals(text(envelope.get("serverId")))) {
                return;
            }
            if (envelope.get("sentAt") instanceof JsonNumber sentAt) {
                metrics.relayLag(System.currentTimeMillis() - sentAt.longValue());
            }
            String type = text(envelope.get("type"));
            JsonValue data = envelope.get("data");
            if (type == null || !(data instanceof JsonObject object)) {
                LOG.warning(() -> "Skipping an envelope without type or data: " + abbreviate(payload));
                return;
            }
            if (ChannelEvents.isChannelEvent(type)) {
                List<ChatEvent> channelEvents = ChannelEvents.relayed(type, object);
                if (channelEvents.isEmpty()) {
                    LOG.warning(() -> "Skipping a channel envelope that is not understood: " + abbreviate(payload));
                }
                channelEvents.forEach(events::fire);
                return;
            }
            ChatEvent event = switch (type) {
                case ChatEvent.MESSAGE, ChatEvent.MESSAGE_EDITED, ChatEvent.MESSAGE_DELETED -> MessageFormat.fromJson(object)
                        .map(m -> new ChatEvent(type, MessageFormat.toJson(m), null, m.roomId(), true))
                        .orElse(null);
                case ChatEvent.USER_CONNECTED, ChatEvent.USER_DISCONNECTED -> presence(type, object);
                case ChatEvent.SHOW_ROOM -> showRoom(object);
                default -> null;
            };
            if (event == null) {
                LOG.warning(() -> "Skipping an envelope that is not understood: " + abbreviate(payload));
                return;
            }
            events.fire(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Skipping a malformed envelope: " + abbreviate(payload), e);
        }
    }

    /** An event this node published (its envelopes start with its server id, then a type that is not the probe). */
    private boolean isOwnEvent(String payload) {
        String own = envelopePrefix();
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
        String id = MessageFormat.idText(data.get("id"));
        String username = text(data.get("username"));
        if (id == null || username == null) {
            return null;
        }
        String json = JSON.createObjectBuilder().add("id", id).add("username", username)
                .add("online", ChatEvent.USER_CONNECTED.equals(type)).build().toString();
        return new ChatEvent(type, json, null, null, true);
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
        return new ChatEvent(ChatEvent.SHOW_ROOM, json, List.copyOf(members.get()), roomId, true);
    }

    private static JsonObject parse(String payload) {
        try (var reader = JSON.createReader(new StringReader(payload))) {
            return reader.readObject();
        }
    }

    private static String text(JsonValue value) {
        return value instanceof JsonString s ? s.getString() : value != null && value.getValueType() == JsonValue.ValueType.NUMBER ? value.toString() : null;
    }

    private RTopic topic() {
        return redis.getTopic(RedisKeys.CHANNEL, StringCodec.INSTANCE);
    }

    private RTopic control() {
        return redis.getTopic(RedisKeys.CONTROL_CHANNEL, StringCodec.INSTANCE);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
