package chat.reads.boundary;

import chat.api.ChatError;
import chat.api.Json;
import chat.limits.HistoryReads;
import chat.messages.entity.MessageId;
import chat.reads.control.ReadBroadcast;
import chat.reads.control.ReadMarks;
import chat.reads.entity.ReadState;
import chat.rooms.control.Rooms;
import chat.sessions.Caller;
import chat.sessions.SignedIn;
import chat.users.control.Users;
import chat.users.entity.User;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * {@code /api/reads}: the caller's read state per room (unread and mention counts), marking a
 * room read up to a message, and muting a room (docs/PROTOCOL.md, "Read state").
 */
@Path("reads")
@SignedIn
@Produces(MediaType.APPLICATION_JSON)
public class ReadsResource {

    @Inject
    Caller caller;

    @Inject
    Users users;

    @Inject
    Rooms rooms;

    @Inject
    ReadMarks marks;

    @Inject
    ReadBroadcast broadcast;

    @Inject
    HistoryReads reads;

    @GET
    public Map<String, ReadState> states() {
        String me = caller.userId();
        User user = users.byId(me).orElseThrow(ChatError::unauthorized);
        try (HistoryReads.Turn turn = reads.take()) { // it reads each room's newest messages
            return marks.states(me, user.username(), rooms.roomsOf(me));
        }
    }

    /** {@code {"roomId", "messageId"}}: read up to that message; the user's other tabs hear of it. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response read(String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        String roomId = Json.requiredId(json, "roomId");
        MessageId messageId = MessageId.parse(Json.requiredString(json, "messageId"))
                .orElseThrow(() -> ChatError.badRequest("'messageId' must be a message id"));
        rooms.requireMember(me, roomId);
        if (marks.advance(me, roomId, messageId)) {
            broadcast.read(me, roomId, messageId.toString());
        }
        return Response.noContent().build();
    }

    /** {@code {"roomId", "muted": true|false}}: no desktop notifications from a muted room; the user's other tabs hear of it. */
    @POST
    @Path("mute")
    @Consumes(MediaType.WILDCARD)
    public Response mute(String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        String roomId = Json.requiredId(json, "roomId");
        JsonValue muted = json.get("muted");
        if (muted == null || (muted.getValueType() != JsonValue.ValueType.TRUE && muted.getValueType() != JsonValue.ValueType.FALSE)) {
            throw ChatError.badRequest("'muted' must be true or false");
        }
        rooms.requireMember(me, roomId);
        boolean mute = muted.getValueType() == JsonValue.ValueType.TRUE;
        if (marks.mute(me, roomId, mute)) {
            broadcast.muted(me, roomId, mute);
        }
        return Response.noContent().build();
    }
}
