package chat.rooms.boundary;

import chat.api.ChatError;
import chat.api.Json;
import chat.rooms.control.Channels;
import chat.rooms.entity.Channel;
import chat.rooms.entity.ChannelDetails;
import chat.rooms.entity.ChannelListing;
import chat.sessions.Caller;
import chat.users.control.Users;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** {@code /api/channels}: group channels and their members (docs/PROTOCOL.md, "Channels"). */
@Path("channels")
@Produces(MediaType.APPLICATION_JSON)
public class ChannelsResource {

    @Inject
    Caller caller;

    @Inject
    Channels channels;

    /** The channel browser: public channels whose name starts with {@code q}. */
    @GET
    public List<ChannelListing> search(@QueryParam("q") String query) {
        if (query != null && query.length() > 200) {
            throw ChatError.badRequest("'q' may have at most 200 characters");
        }
        return channels.search(caller.userId(), query);
    }

    /** {@code {"name": "...", "kind": "public" | "private"}}; the creator is its first member. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        // null is the default, as a missing kind is (it was "'kind' is required")
        String kind = json.getOrDefault("kind", JsonValue.NULL) != JsonValue.NULL ? Json.requiredString(json, "kind") : null;
        Channel channel = channels.create(me, Json.requiredString(json, "name"), kind);
        return Response.status(201).entity(channel).build();
    }

    @GET
    @Path("{id}")
    public ChannelDetails details(@PathParam("id") String id) {
        return channels.details(caller.userId(), id);
    }

    /** The creator renames ({@code name}) or archives / restores ({@code archived}: true / false). */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.WILDCARD)
    public Channel change(@PathParam("id") String id, String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        if (!json.containsKey("name") && !json.containsKey("archived")) {
            throw ChatError.badRequest("Give 'name' or 'archived'");
        }
        Channel channel = null;
        if (json.containsKey("archived")) {
            JsonValue archived = json.get("archived");
            if (archived != JsonValue.TRUE && archived != JsonValue.FALSE) {
                throw ChatError.badRequest("'archived' must be true or false");
            }
            if (archived == JsonValue.FALSE) {
                channel = channels.setArchived(me, id, false);
            }
        }
        if (json.containsKey("name")) {
            channel = channels.rename(me, id, Json.requiredString(json, "name"));
        }
        if (json.get("archived") == JsonValue.TRUE) { // after a rename in the same request, which needs it open
            channel = channels.setArchived(me, id, true);
        }
        return channel;
    }

    @POST
    @Path("{id}/join")
    @Consumes(MediaType.WILDCARD)
    public ChannelDetails join(@PathParam("id") String id) {
        String me = caller.userId();
        channels.join(me, id);
        return channels.details(me, id);
    }

    @POST
    @Path("{id}/leave")
    @Consumes(MediaType.WILDCARD)
    public Response leave(@PathParam("id") String id) {
        channels.leave(caller.userId(), id);
        return Response.noContent().build();
    }

    /** Invites {@code {"username": "..."}} (the name in any case and accents, blanks around it dropped) or {@code {"userId": "..."}}: they become a member. */
    @POST
    @Path("{id}/members")
    @Consumes(MediaType.WILDCARD)
    public ChannelDetails invite(@PathParam("id") String id, String body) {
        String me = caller.userId();
        JsonObject json = Json.object(body);
        String invitee;
        if (json.containsKey("userId") && json.containsKey("username")) { // one was ignored: whom did the caller mean?
            throw ChatError.badRequest("Name the invitee by 'userId' or by 'username', not both");
        }
        if (json.containsKey("userId")) {
            invitee = Json.requiredId(json, "userId");
            if (!Users.isId(invitee)) {
                throw ChatError.badRequest("'userId' must be a user id");
            }
        } else {
            invitee = channels.userNamed(Json.requiredString(json, "username").strip());
        }
        channels.invite(me, id, invitee);
        return channels.details(me, id);
    }

    /** The creator removes a member; a member removing themselves leaves. */
    @DELETE
    @Path("{id}/members/{userId}")
    public Response remove(@PathParam("id") String id, @PathParam("userId") String userId) {
        String me = caller.userId();
        if (!Users.isId(userId)) {
            throw ChatError.notFound("No such user");
        }
        channels.remove(me, id, userId);
        return Response.noContent().build();
    }
}
