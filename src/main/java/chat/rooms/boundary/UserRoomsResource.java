package chat.rooms.boundary;

import chat.api.ChatError;
import chat.rooms.control.Rooms;
import chat.rooms.entity.Room;
import chat.sessions.Caller;
import chat.users.control.Users;
import jakarta.inject.Inject;
import chat.api.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
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
        return rooms.roomsOf(own(userId));
    }

    /** {@code {"roomId": "1:2"}}: hides a one-to-one room until its next message (docs/PROTOCOL.md, "Hidden rooms"). */
    @POST
    @Path("hidden")
    @Consumes(MediaType.WILDCARD)
    public Response hide(@PathParam("userId") String userId, String body) {
        String me = own(userId);
        rooms.hide(me, Json.requiredId(Json.object(body), "roomId"));
        return Response.noContent().build();
    }

    private String own(String userId) {
        String me = caller.userId();
        if (!Users.isId(userId) || !users.exists(userId)) {
            throw ChatError.notFound("No such user");
        }
        if (!me.equals(userId)) {
            throw ChatError.forbidden("You can only list or hide your own rooms");
        }
        return me;
    }
}
