package chat.rooms.entity;

import chat.users.entity.UserStatus;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/** A channel with its members (name and online flag), for the member list. */
@JsonbPropertyOrder({"id", "name", "kind", "creator", "created", "archived", "members"})
public record ChannelDetails(String id, String name, String kind, String creator, long created, Long archived,
                             List<UserStatus> members) {

    public static ChannelDetails of(Channel channel, List<UserStatus> members) {
        return new ChannelDetails(channel.id(), channel.name(), channel.kind(), channel.creator(), channel.created(),
                channel.archived(), members);
    }
}
