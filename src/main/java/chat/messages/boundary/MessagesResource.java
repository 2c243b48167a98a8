package chat.messages.boundary;

import chat.api.ChatError;
import chat.api.Json;
import chat.api.QueryNumber;
import chat.messages.control.MessageEdits;
import chat.config.Settings;
import chat.limits.HistoryReads;
import chat.messages.control.MessageHistory;
import chat.messages.entity.MessageId;
import chat.messages.entity.ChatMessage;
import chat.redis.RedisKeys;
import chat.rooms.control.Rooms;
import chat.messages.entity.RoomWithMessages;
import chat.sessions.Caller;
import chat.sessions.SignedIn;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** A room's history: pages, catch-up after a message, and General's preload. */
@Path("room/{roomId}")
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource {

    static final int DEFAULT_PAGE_SIZE = 15;
    static final int MAX_PAGE_SIZE = 100;

    @Inject
    Caller caller;

    @Inject
    Rooms rooms;

    @Inject
    MessageHistory history;

    @Inject
    MessageEdits edits;

    @Inject
    HistoryReads reads;

    @Inject
    Settings settings;

    @PathParam("roomId")
    String roomId;

    /**
     * A page, newest first; or with {@code after}, the messages newer than that one, oldest first,
     * at most {@code CHAT_CATCH_UP_LIMIT}: a full answer means "ask again after its last message".
     */
    @GET
    @Path("messages")
    public List<ChatMessage> messages(@QueryParam("offset") String offset, @QueryParam("size") String size,
                                      @QueryParam("after") String after) {
        rooms.requireMember(caller.userId(), roomId);
        if (after != null) {
            MessageId lastSeen = MessageId.parse(after).orElseThrow(() -> ChatError.badRequest("'after' must be a message id"));
            try (HistoryReads.Turn turn = reads.take()) {
                return history.after(roomId, lastSeen, settings.catchUpLimit());
            }
        }
        int from = QueryNumber.parse("offset", offset, 0, 0, 1_000_000_000);
        int count = QueryNumber.parse("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        try (HistoryReads.Turn turn = reads.take()) {
            return history.page(roomId, from, count);
        }
    }

    /** {@code {"message": "new text"}}: the author edits a message (docs/PROTOCOL.md, "Editing and deleting messages"). */
    @PATCH
    @Path("messages/{messageId}")
    @Consumes(MediaType.WILDCARD)
    public ChatMessage edit(@PathParam("messageId") String messageId, String body) {
        String me = caller.userId();
        return edits.edit(me, roomId, messageId, Json.requiredString(Json.object(body), "message"));
    }

    /** The author, or the channel's creator, deletes a message: it becomes a tombstone. */
    @DELETE
    @Path("messages/{messageId}")
    public Response delete(@PathParam("messageId") String messageId) {
        edits.delete(caller.userId(), roomId, messageId);
        return Response.noContent().build();
    }

    /** The seed's first call after login: General with its latest messages. */
    @SignedIn
    @GET
    @Path("preload")
    public RoomWithMessages preload() {
        if (!RedisKeys.GENERAL_ROOM_ID.equals(roomId)) {
            throw ChatError.notFound("Only General can be preloaded");
        }
        try (HistoryReads.Turn turn = reads.take()) {
            return new RoomWithMessages(roomId, rooms.name(roomId).orElse("General"), history.page(roomId, 0, DEFAULT_PAGE_SIZE));
        }
    }
}
