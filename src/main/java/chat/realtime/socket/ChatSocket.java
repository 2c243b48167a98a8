package chat.realtime.socket;

import chat.config.Settings;
import chat.api.ChatError;
import chat.api.UnexpectedErrorMapper;
import chat.messages.control.Posting;
import chat.messages.entity.MessageCodec;
import chat.operations.Metrics;
import chat.presence.Presence;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalConnections;
import chat.realtime.tyrus.TyrusIdleTimer;
import chat.messages.control.Posting;
import chat.rooms.control.Rooms;
import chat.sessions.Sessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The real-time transport (docs/PROTOCOL.md, "WebSocket"): hands client frames to the use cases and the hub's
 * events to the client. One JSON object per client frame; a refused frame gets an {@code error}
 * frame and the socket stays open. Frames over 64 KiB close the socket (1009).
 * One instance serves every socket (it keeps each socket's state in the session), obtained from
 * CDI through {@link CdiEndpoints} so that its fields are injected on every server.
 */
@ApplicationScoped
@ServerEndpoint(value = "/ws", configurator = CdiEndpoints.class)
public class ChatSocket {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final Logger LOG = Logger.getLogger(ChatSocket.class.getName());
    private static final String CONNECTION = "chat.connection";
    private static final int MAX_FRAME_BYTES = 64 * 1024;

    @Inject
    LocalConnections connections;

    @Inject
    Presence presence;

    @Inject
    Posting posting;

    @Inject
    OutboundFlusher flusher;

    @Inject
    Rooms rooms;

    @Inject
    Settings settings;

    @Inject
    Sessions sessions;

    @Inject
    Metrics metrics;

    @Inject
    TyrusIdleTimer idleTimer;

    @OnOpen
    public void open(Session session) {
        if (!(session.getUserPrincipal() instanceof SessionPrincipal principal)) {
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "Not logged in");
            return;
        }
        idleTimer.adopt(session);
        session.setMaxTextMessageBufferSize(64 * 1024);
        // No runtime idle timeout (unanswered pings close a socket): on Tyrus, a timeout set here
        // raced with the timer task its handshake had already scheduled, which then closed the new
        // socket as idle (status 1000 on the wire) about once in a few thousand sockets.
        Connection connection = new Connection(session, principal.session().userId(), principal.session().key(),
                principal.address(), settings.outboundQueueLimit(), flusher, metrics::socketDropped);
        Set<String> namedRooms;
        try {
            namedRooms = rooms.namedRoomsOf(connection.userId());
        } catch (RuntimeException e) {
            // Without its rooms the hub could not deliver their messages to this socket: let the client come back.
            LOG.warning(() -> "Rooms of user " + connection.userId() + " not read, closing the new socket: " + e);
            close(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "The chat store is unavailable, try again shortly");
            return;
        }
        session.getUserProperties().put(CONNECTION, connection);
        connections.add(connection, namedRooms);
        try {
            presence.connected(connection.userId());
        } catch (RuntimeException e) {
            LOG.warning(() -> "Presence not recorded for user " + connection.userId() + ": " + e);
        }
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void receive(Session session, String frame) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        if (isTooBig(frame)) {
            close(session, CloseReason.CloseCodes.TOO_BIG, "Frames are limited to 64 KiB");
            return;
        }
        connection.heard();
        try {
            handle(connection, frame);
        } catch (ChatError refused) {
            metrics.frameRejected(refused.status());
            connection.send(ChatEvent.errorFrame(refused.getMessage()));
        } catch (RuntimeException e) {
            if (UnexpectedErrorMapper.isRedisOutage(e)) {
                metrics.frameRejected(503);
                connection.send(ChatEvent.errorFrame("The chat store is unavailable, try again shortly"));
            } else {
                LOG.log(Level.SEVERE, "Unexpected error handling a frame", e);
                connection.send(ChatEvent.errorFrame("Internal error"));
            }
        }
    }

    /**
     * Tyrus (Payara) closes the socket with 1009 itself, before a frame over maxMessageSize
     * reaches the endpoint; Undertow (WildFly) and Open Liberty hand it over whole, so the endpoint
     * applies the same limit. A frame of fewer chars than a third of the limit cannot be over it in UTF-8.
     */
    private static boolean isTooBig(String frame) {
        return frame.length() > MAX_FRAME_BYTES / 3
                && (frame.length() > MAX_FRAME_BYTES || frame.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES);
    }

    private void handle(Connection connection, String frame) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(frame))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                throw ChatError.badRequest("A frame must be a JSON object");
            }
            json = object;
        } catch (ChatError e) {
            throw e;
        } catch (RuntimeException malformed) {
            throw ChatError.badRequest("Malformed JSON");
        }
        if (!(json.get("type") instanceof JsonString type)) {
            throw ChatError.badRequest("'type' must be a string");
        }
        switch (type.getString()) {
            case ChatEvent.MESSAGE -> {
                if (!(json.get("data") instanceof JsonObject data)) {
                    throw ChatError.badRequest("'data' must be an object with roomId and message");
                }
                String roomId = MessageCodec.idText(data.get("roomId"));
                if (roomId == null) {
                    throw ChatError.badRequest("'roomId' must be a room id");
                }
                if (!(data.get("message") instanceof JsonString text)) {
                    throw ChatError.badRequest("'message' must be a string");
                }
                posting.post(connection.userId(), roomId, text.getString()); // any client-sent 'from' is ignored
                if (connection.dueForSessionTouch()) {
                    sessions.touch(connection.sessionKey());
                }
            }
            case "room.join" -> {
                JsonValue data = json.get("data");
                String roomId = data instanceof JsonObject object ? MessageCodec.idText(object.get("roomId")) : MessageCodec.idText(data);
                if (roomId == null) {
                    throw ChatError.badRequest("'data' must be a room id");
                }
                rooms.requireMember(connection.userId(), roomId); // delivery follows membership; nothing to join
            }
            default -> throw ChatError.badRequest("Unknown event type");
        }
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        if (session.getUserProperties().get(CONNECTION) instanceof Connection connection) {
            connection.heard();
        }
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        Connection connection = (Connection) session.getUserProperties().remove(CONNECTION);
        if (connection != null && connections.remove(connection)) {
            try {
                presence.disconnected(connection.userId());
            } catch (RuntimeException e) {
                LOG.warning(() -> "Presence not updated for user " + connection.userId() + ": " + e);
            }
        }
    }

    @OnError
    public void failed(Session session, Throwable error) {
        // A peer going away is routine; anything else makes the runtime close the socket (1000 on the wire).
        Level level = error instanceof java.io.IOException ? Level.FINE : Level.INFO;
        LOG.log(level, () -> "Socket " + session.getId() + " failed: " + error);
    }

    private static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (java.io.IOException e) {
            LOG.fine(() -> "Closing " + session.getId() + ": " + e);
        }
    }
}
