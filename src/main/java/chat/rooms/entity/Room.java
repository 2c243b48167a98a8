package chat.rooms.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * A room as the client lists it: General has its name, a private room its two users' names, a
 * channel its name plus its {@code channel} description (absent for the other rooms).
 */
@JsonbPropertyOrder({"id", "names", "channel"})
public record Room(String id, List<String> names, Channel channel) {

    public Room(String id, List<String> names) {
        this(id, names, null);
    }
}
