package chat.messages.boundary;

import chat.api.ChatError;
import chat.messages.control.MessageHistory;
import chat.messages.control.MessageId;
import chat.messages.entity.ChatMessage;
import chat.redis.RedisKeys;
import chat.rooms.control.Rooms;
import chat.messages.entity.RoomWithMessages;
import chat.sessions.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

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

    @PathParam("roomId")
    String roomId;

    /** A page, newest first; or with {@code after}, everything newer than that message, oldest first. */
    @GET
    @Path("messages")
    public List<ChatMessage> messages(@QueryParam("offset") String offset, @QueryParam("size") String size,
                                      @QueryParam("after") String after) {
        rooms.requireMember(caller.userId(), roomId);
        if (after != null) {
            MessageId lastSeen = MessageId.parse(after).orElseThrow(() -> ChatError.badRequest("'after' must be a message id"));
            return history.after(roomId, lastSeen);
        }
        int from = number("offset", offset, 0, 0, 1_000_000_000);
        int count = number("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        return history.page(roomId, from, count);
    }

    /** The seed's first call after login: General with its latest messages. */
    @GET
    @Path("preload")
    public RoomWithMessages preload() {
        caller.userId();
        if (!RedisKeys.GENERAL_ROOM_ID.equals(roomId)) {
            throw ChatError.notFound("Only General can be preloaded");
        }
        return new RoomWithMessages(roomId, rooms.name(roomId).orElse("General"), history.page(roomId, 0, DEFAULT_PAGE_SIZE));
    }

    private static int number(String name, String text, int defaultValue, int min, int max) {
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw ChatError.badRequest("'" + name + "' must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ChatError.badRequest("'" + name + "' must be a whole number");
        }
    }
}
