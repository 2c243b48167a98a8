package chat.reads.control;

import chat.config.AppThreads;
import chat.config.Settings;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalFanOut;
import chat.redis.RedisKeys;
import chat.rooms.entity.RoomHidden;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.StringReader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tells every tab of a user, on every node, that they read a room ({@code read} event), muted
 * or unmuted it ({@code muted} event, docs/PROTOCOL.md, "Read state"), or hid a one-to-one room or
 * opened it again ({@code room.hidden}, "Hidden rooms"). They travel on a channel of our own,
 * {@code chat:reads}, never on the seed's {@code MESSAGES}: the seed's servers show what is there
 * to all their clients. A read or mute lost on the way (pub/sub drop) is made good at the tab's
 * next reconnect, which reloads the read state; a hidden room only at its next reload (docs/PROTOCOL.md says why).
 */
@ApplicationScoped
public class ReadBroadcast {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(ReadBroadcast.class.getName());
    private static final String READ = "read";
    private static final String MUTED = "muted";
    private static final String ROOM_HIDDEN = "room.hidden";
    private static final Set<String> TYPES = Set.of(READ, MUTED, ROOM_HIDDEN);

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    @Inject
    LocalFanOut fanOut;

    private ScheduledExecutorService retries;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        retries = Executors.newSingleThreadScheduledExecutor(r -> AppThreads.daemon("chat-reads-subscribe", r));
        retries.execute(this::subscribe);
    }

    /** Until Redis answers the first time; after that Redisson re-subscribes by itself after every reconnect. */
    private void subscribe() {
        try {
            topic().addListener(String.class, (channel, payload) -> receive(payload));
        } catch (RuntimeException e) {
            LOG.fine(() -> "Subscribing to " + RedisKeys.READ_CHANNEL + " postponed: " + e);
            retries.schedule(this::subscribe, 5, TimeUnit.SECONDS);
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        if (retries != null) {
            retries.shutdownNow();
        }
        try {
            topic().removeAllListeners();
        } catch (RuntimeException e) {
            LOG.fine(() -> "Leaving " + RedisKeys.READ_CHANNEL + ": " + e);
        }
    }

    public void read(String userId, String roomId, String messageId) {
        tell(userId, READ, JSON.createObjectBuilder().add("roomId", roomId).add("messageId", messageId).build());
    }

    public void muted(String userId, String roomId, boolean muted) {
        tell(userId, MUTED, JSON.createObjectBuilder().add("roomId", roomId).add("muted", muted).build());
    }

    void hidden(@Observes RoomHidden change) {
        tell(change.userId(), ROOM_HIDDEN, JSON.createObjectBuilder().add("roomId", change.roomId()).add("hidden", change.hidden()).build());
    }

    /** Here at once, elsewhere through {@code chat:reads}. */
    private void tell(String userId, String type, JsonObject data) {
        deliver(userId, type, data.toString());
        topic().publish(JSON.createObjectBuilder().add("serverId", settings.serverId()).add("userId", userId)
                .add("type", type).add("data", data).build().toString());
    }

    void receive(String payload) {
        try (var reader = JSON.createReader(new StringReader(payload))) {
            JsonObject message = reader.readObject();
            // Nodes from before mutes were told send reads without a type.
            String type = message.get("type") instanceof JsonString named ? named.getString() : READ;
            if (message.get("serverId") instanceof JsonString from && !from.getString().equals(settings.serverId())
                    && message.get("userId") instanceof JsonString user && message.get("data") instanceof JsonObject data
                    && TYPES.contains(type)) {
                deliver(user.getString(), type, data.toString());
            }
        } catch (RuntimeException malformed) {
            LOG.warning(() -> "Skipping a malformed read event: " + (payload.length() > 200 ? payload.substring(0, 200) : payload));
        }
    }

    /** To this node's sockets of the user only (never on MESSAGES: the seed does not know it). */
    private void deliver(String userId, String type, String data) {
        fanOut.deliver(new ChatEvent(type, data, List.of(userId), null));
    }

    private RTopic topic() {
        return redis.getTopic(RedisKeys.READ_CHANNEL, StringCodec.INSTANCE);
    }
}
