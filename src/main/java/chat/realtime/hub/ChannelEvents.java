package chat.realtime.hub;

import chat.rooms.control.RoomId;
import chat.rooms.entity.Channel;
import chat.rooms.entity.ChannelChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns channel changes into the events members receive (docs/PROTOCOL.md, "Channel events"):
 * {@code channel.updated} and {@code channel.member.joined} go to the channel's members (the new
 * one included), {@code channel.member.left} to the remaining members and to the one who left
 * or was removed, on every node. The same events are rebuilt from the relay's envelopes.
 */
@ApplicationScoped
public class ChannelEvents {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Event<ChatEvent> events;

    @Inject
    LocalFanOut fanOut;

    void announce(@Observes ChannelChange change) {
        String type = switch (change.kind()) {
            case UPDATED -> ChatEvent.CHANNEL_UPDATED;
            case JOINED -> ChatEvent.CHANNEL_MEMBER_JOINED;
            case LEFT -> ChatEvent.CHANNEL_MEMBER_LEFT;
        };
        String data = change.kind() == ChannelChange.Kind.UPDATED ? json(change.channel()).build().toString()
                : JSON.createObjectBuilder().add("channel", json(change.channel())).add("userId", change.userId())
                        .add("username", change.username()).add("by", change.by()).build().toString();
        // Announced (delivered here and published) once; every node adds the second from it (see relayed()).
        events.fire(new ChatEvent(type, data, null, change.channel().id()));
        if (change.kind() == ChannelChange.Kind.LEFT) {
            fanOut.deliver(new ChatEvent(type, data, List.of(change.userId()), null));
        }
    }

    /** The events an envelope of another node stands for; empty when it is not one of ours or malformed. */
    public static List<ChatEvent> relayed(String type, JsonObject data) {
        List<ChatEvent> result = new ArrayList<>();
        if (ChatEvent.CHANNEL_UPDATED.equals(type)) {
            String id = text(data, "id");
            if (RoomId.isChannel(id)) {
                result.add(new ChatEvent(type, data.toString(), null, id));
            }
            return result;
        }
        String id = data.get("channel") instanceof JsonObject channel ? text(channel, "id") : null;
        String userId = text(data, "userId");
        if (!RoomId.isChannel(id) || userId == null) {
            return result;
        }
        result.add(new ChatEvent(type, data.toString(), null, id));
        if (ChatEvent.CHANNEL_MEMBER_LEFT.equals(type)) {
            result.add(new ChatEvent(type, data.toString(), List.of(userId), null));
        }
        return result;
    }

    public static boolean isChannelEvent(String type) {
        return ChatEvent.CHANNEL_UPDATED.equals(type) || ChatEvent.CHANNEL_MEMBER_JOINED.equals(type)
                || ChatEvent.CHANNEL_MEMBER_LEFT.equals(type);
    }

    private static JsonObjectBuilder json(Channel channel) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", channel.id()).add("name", channel.name())
                .add("kind", channel.kind()).add("creator", channel.creator()).add("created", channel.created());
        if (channel.archived() != null) {
            json.add("archived", channel.archived());
        }
        return json;
    }

    private static String text(JsonObject object, String field) {
        return object.get(field) instanceof JsonString s ? s.getString() : null;
    }
}
