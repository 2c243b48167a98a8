package chat.rooms.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A channel as the channel browser lists it: how many members, and whether the caller is one. */
@JsonbPropertyOrder({"id", "name", "kind", "creator", "created", "archived", "members", "joined"})
public record ChannelListing(String id, String name, String kind, String creator, long created, Long archived,
                             int members, boolean joined) {

    public static ChannelListing of(Channel channel, int members, boolean joined) {
        return new ChannelListing(channel.id(), channel.name(), channel.kind(), channel.creator(), channel.created(),
                channel.archived(), members, joined);
    }
}
