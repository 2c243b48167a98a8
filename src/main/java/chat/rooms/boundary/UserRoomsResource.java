package chat.rooms.boundary;

import chat.api.ChatError;
import chat.rooms.control.Rooms;
import chat.rooms.entity.Room;
import chat.sessions.Caller;
import chat.users.control.Users;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /api/rooms/{userId}}: a user's own rooms. */
@Path("rooms/{userId}")
@Produces(MediaType.APPLICATION_JSON)
public class UserRoomsResource {

    @Inject
    Caller caller;

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    @GET
    public List<Room> roomsOf(@PathParam("userId") String userId) {
        String me = caller.userId();
        if (!Users.isId(userId) || !users.exists(userId)) {
            throw ChatError.notFound("No such user");
        }
        if (!me.equals(userId)) {
            throw ChatError.forbidden("You can only list your own rooms");
        }
        return rooms.roomsOf(userId);
    }
}
