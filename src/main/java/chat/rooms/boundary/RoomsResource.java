package chat.rooms.boundary;

import chat.api.ChatError;
import chat.api.Json;
import chat.rooms.control.RoomId;
import chat.rooms.control.Rooms;
import chat.sessions.Caller;
import chat.users.control.Users;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/room}: the private room of two users. */
@Path("room")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    Caller caller;

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    /** Opens the private room of two users; only one of them may ask. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response openPrivateRoom(String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        String user1 = Json.requiredId(json, "user1");
        String user2 = Json.requiredId(json, "user2");
        if (!Users.isId(user1) || !Users.isId(user2)) {
            throw ChatError.badRequest("'user1' and 'user2' must be user ids");
        }
        if (user1.equals(user2)) {
            throw ChatError.badRequest("A private room needs two different users");
        }
        if (!me.equals(user1) && !me.equals(user2)) {
            throw ChatError.forbidden("You can only open your own private rooms");
        }
        if (!users.exists(user1) || !users.exists(user2)) {
            throw ChatError.notFound("No such user");
        }
        String roomId = RoomId.privateRoom(user1, user2);
        rooms.addToMembers(roomId);
        rooms.unhide(me, roomId);
        return Response.status(201).entity(rooms.describePrivate(roomId)).build();
    }
}
