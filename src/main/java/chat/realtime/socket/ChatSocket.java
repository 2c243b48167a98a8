package chat.realtime.socket;

import chat.config.Settings;
import chat.api.ChatError;
import chat.api.Json;
import chat.api.UnexpectedErrorMapper;
import chat.messages.control.PostInProgress;
import chat.messages.control.Outbox;
import chat.messages.control.Posting;
import chat.messages.entity.MessageCodec;
import chat.operations.Metrics;
import chat.presence.Presence;
import chat.realtime.hub.ChatEvent;
import chat.realtime.hub.LocalConnections;
import chat.realtime.tyrus.TyrusAdapter;
import chat.realtime.relay.MessageLog;
import chat.rooms.control.Rooms;
import chat.sessions.LoginSession;
import chat.sessions.Sessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletionException;
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
    private static final String OUTBOX = "chat.outbox";
    private static final String ALLOWANCE = "chat.allowance";
    private static final String UNFINISHED = "chat.unfinished";
    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final String READY = "ready";
    private static final String ACK = "message.ack";

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
    MessageLog log;

    @Inject
    TyrusAdapter tyrus;

    @Inject
    UnfinishedMessages unfinished;

    @OnOpen
    public void open(Session session) {
        if (!(session.getUserPrincipal() instanceof SessionPrincipal principal)) {
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "Not logged in");
            return;
        }
        tyrus.opened(session);
        session.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
        takeFragmentsAsTheyCome(session); // before any frame can come: one before the socket is registered is ignored
        // No runtime idle timeout (unanswered pings close a socket): on Tyrus, a timeout set here
        // raced with the timer task its handshake had already scheduled, which then closed the new
        // socket as idle (status 1000 on the wire) about once in a few thousand sockets.
        Connection connection = new Connection(session, principal.session().userId(), principal.session().key(),
                principal.address(), flusher.budget(), flusher, tyrus, metrics::socketDropped);
        Set<String> namedRooms;
        String epoch;
        try {
            namedRooms = rooms.namedRoomsOf(connection.userId());
            epoch = log.epoch();
        } catch (RuntimeException e) {
            giveUpPlaces(principal);
            // Without its rooms the hub could not deliver their messages to this socket: let the client come back.
            // Read here rather than in the handshake filter: there, a reconnect storm's handshakes took a Redis round
            // trip longer each on the container's threads, and hundreds waited past their clients' patience.
            LOG.warning(() -> "Rooms of user " + connection.userId() + " not read, closing the new socket: " + e);
            close(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "The chat store is unavailable, try again shortly");
            return;
        }
        boolean registered = connections.add(connection, namedRooms, settings.maxSockets());
        if (!registered) {
            // Not expected: the socket held a place under the limit since its handshake.
            giveUpPlaces(principal);
            close(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "This node holds as many connections as it can, try again shortly");
            return;
        }
        principal.place().finish(); // after the registration: counted twice for a moment, never missed
        session.getUserProperties().put(OUTBOX, posting.outbox());
        session.getUserProperties().put(ALLOWANCE, new FrameAllowance(settings.messageBurst(), settings.messagesPerSecond()));
        session.getUserProperties().put(CONNECTION, connection);
        // From here on every event reaches this socket; the client catches up when it reads this frame,
        // so nothing posted after the handshake falls between its catch-up and its first live event.
        connection.send(ChatEvent.frame(READY, JSON.createObjectBuilder().add("epoch", epoch).build().toString()));
        try {
            presence.connected(connection.userId(), principal.handshake());
        } catch (RuntimeException e) {
            LOG.warning(() -> "Presence not recorded for user " + connection.userId() + ": " + e);
        }
        // A logout or a password change between the handshake's check and the registration found no socket to close,
        // and this one got the user's events until the next ping's check (20 s; found from outside). Asked again now
        // that it is registered, an ending either finds the socket or is seen here (the ping's check if Redis fails).
        sessions.hasEnded(connection.sessionKey()).thenAccept(ended -> {
            if (ended) {
                connection.close(CloseReason.CloseCodes.VIOLATED_POLICY, "Session ended");
            }
        });
    }

    /** For a socket that will not be registered: its places under the node's, the address's and the user's limits. */
    private void giveUpPlaces(SessionPrincipal principal) {
        principal.place().finish();
        presence.release(principal.session().userId(), principal.handshake());
    }

    /**
     * On Tyrus (Payara) the socket's text messages come fragment by fragment, so that the runtime
     * holds no unfinished message for its sender ({@link UnfinishedMessages}): the handlers made of
     * this class's annotations give way to the same ones taken programmatically, the text one partial.
     * Elsewhere they stay: Open Liberty cuts a frame over the limit off while it arrives only for an
     * annotated whole-message handler (given a partial one, or one added in code, it held a frame
     * announced as 4 MiB until the idle timeout).
     */
    private void takeFragmentsAsTheyCome(Session session) {
        if (!tyrus.isTyrus(session)) {
            return;
        }
        for (MessageHandler annotated : Set.copyOf(session.getMessageHandlers())) {
            session.removeMessageHandler(annotated);
        }
        session.setMaxBinaryMessageBufferSize(MAX_FRAME_BYTES);
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) -> receivePart(session, part, last));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) frame -> receiveBinary(session, frame));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> pong(session, pong));
    }

    /** A fragment of a text message, or a whole one (its only fragment). */
    private void receivePart(Session session, String part, boolean last) {
        if (last && !(session.getUserProperties().get(UNFINISHED) instanceof UnfinishedMessages.Message)) {
            receive(session, part); // the usual case: a message in one frame
            return;
        }
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        String frame = assembled(session, connection, part, last);
        if (frame != null) {
            receive(session, frame);
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
        FrameAllowance.Verdict allowed = heard(session, connection);
        if (allowed == FrameAllowance.Verdict.CLOSE) {
            return;
        }
        String clientMessageId = null; // named in the answer to a post that carried one
        try {
            JsonObject json = parse(frame);
            if (!(json.get("type") instanceof JsonString type)) {
                throw ChatError.badRequest("'type' must be a string");
            }
            switch (type.getString()) {
                case ChatEvent.MESSAGE -> {
                    if (!(json.get("data") instanceof JsonObject data)) {
                        throw ChatError.badRequest("'data' must be an object with roomId and message");
                    }
                    JsonValue sentId = data.getOrDefault("clientMessageId", JsonValue.NULL);
                    if (sentId != JsonValue.NULL && !(sentId instanceof JsonString)) { // a number was ignored: no ack, no retry safety
                        throw ChatError.badRequest("'clientMessageId' must be a string");
                    }
                    String id = sentId instanceof JsonString s ? s.getString() : null;
                    Posting.checkClientMessageId(id);
                    clientMessageId = id;
                    requireAllowed(allowed);
                    post(connection, (Outbox) session.getUserProperties().get(OUTBOX), data, clientMessageId);
                }
                case "room.join" -> {
                    JsonValue data = json.get("data");
                    String roomId = data instanceof JsonObject object ? MessageCodec.idText(object.get("roomId")) : MessageCodec.idText(data);
                    if (roomId == null) {
                        throw ChatError.badRequest("'data' must be a room id");
                    }
                    requireAllowed(allowed);
                    rooms.requireMember(connection.userId(), roomId); // delivery follows membership; nothing to join
                }
                default -> throw ChatError.badRequest("Unknown event type");
            }
        } catch (RuntimeException e) {
            refuse(connection, e, clientMessageId);
        }
    }

    /** The message once its last fragment came, else null (the socket closed if the fragment was refused). */
    private String assembled(Session session, Connection connection, String part, boolean last) {
        connection.heard();
        UnfinishedMessages.Message message = (UnfinishedMessages.Message) session.getUserProperties()
                .computeIfAbsent(UNFINISHED, key -> unfinished.start());
        switch (message.add(part, last, MAX_FRAME_BYTES)) {
            case WHOLE -> {
                session.getUserProperties().remove(UNFINISHED); // the next message in one frame takes the short way again
                return message.whole();
            }
            case UNFINISHED -> {
                return null;
            }
            case TOO_BIG -> {
                close(session, CloseReason.CloseCodes.TOO_BIG, "Frames are limited to 64 KiB");
                return null;
            }
            default -> {
                metrics.frameRejected(503);
                close(session, CloseReason.CloseCodes.TRY_AGAIN_LATER,
                        "This node holds as many unfinished messages as it can: send each message in one frame");
                return null;
            }
        }
    }

    /** Frames are JSON text (docs/PROTOCOL.md, "WebSocket"): a binary one is refused like any other frame not understood. */
    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void receiveBinary(Session session, ByteBuffer frame) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        if (heard(session, connection) != FrameAllowance.Verdict.CLOSE) {
            refuse(connection, ChatError.badRequest("Frames must be JSON text, not binary"), null);
        }
    }

    /** A frame from the client: counted against the socket's allowance; past it, the socket is closed. */
    private FrameAllowance.Verdict heard(Session session, Connection connection) {
        connection.heard();
        FrameAllowance.Verdict allowed = ((FrameAllowance) session.getUserProperties().get(ALLOWANCE)).take();
        if (allowed == FrameAllowance.Verdict.CLOSE) {
            metrics.frameRejected(429);
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "Too many frames refused");
        }
        return allowed;
    }

    /** A frame beyond the socket's allowance does nothing that costs Redis. */
    private static void requireAllowed(FrameAllowance.Verdict allowed) {
        if (allowed != FrameAllowance.Verdict.ACCEPT) {
            throw Posting.tooFast();
        }
    }

    /** Tells the sender why its frame was refused, or what became of its post when Redis failed it. */
    private void refuse(Connection connection, RuntimeException error, String clientMessageId) {
        if (error instanceof ChatError refused) {
            metrics.frameRejected(refused.status());
            connection.send(errorFrame(refused.getMessage(), clientMessageId, false));
            if (refused.status() == 401) { // the session ended where this node did not hear of it: none of its sockets stays
                connection.closeOnceWritten(CloseReason.CloseCodes.VIOLATED_POLICY, "Session ended"); // the refusal first
                connections.closeSession(connection.sessionKey(), "Session ended");
            }
        } else if (error instanceof PostInProgress underWay) {
            metrics.frameRejected(409);
            connection.send(errorFrame(underWay.getMessage(), clientMessageId, null));
        } else if (UnexpectedErrorMapper.isOutOfMemory(error)) {
            // Redis refuses writes before the first one: nothing of the post was written.
            metrics.frameRejected(507);
            connection.send(errorFrame("The chat store is full; the message was not stored", clientMessageId, false));
        } else if (UnexpectedErrorMapper.isRedisOutage(error)) {
            // A timeout may come after Redis did the work: the client retries with the same id to find out.
            metrics.frameRejected(503);
            connection.send(errorFrame("The chat store is unavailable, try again shortly", clientMessageId, null));
        } else {
            LOG.log(Level.SEVERE, "Unexpected error handling a frame", error);
            connection.send(errorFrame("Internal error", clientMessageId, null));
        }
    }

    /**
     * Tyrus (Payara) closes the socket with 1009 itself, before a frame over the session's limit
     * reaches the endpoint; Undertow (WildFly) and Open Liberty hand it over whole, and a message
     * in fragments is joined here, so the endpoint applies the same limit. A frame of fewer chars
     * than a third of the limit cannot be over it in UTF-8.
     */
    private static boolean isTooBig(String frame) {
        return frame.length() > MAX_FRAME_BYTES / 3
                && (frame.length() > MAX_FRAME_BYTES || frame.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES);
    }

    private void post(Connection connection, Outbox outbox, JsonObject data, String clientMessageId) {
        String roomId = MessageCodec.idText(data.get("roomId"));
        if (roomId == null) {
            throw ChatError.badRequest("'roomId' must be a room id");
        }
        if (!(data.get("message") instanceof JsonString text)) {
            throw ChatError.badRequest("'message' must be a string");
        }
        // Answered when stored, on whichever thread learns it; meanwhile this socket's next frames are read.
        LoginSession sender = new LoginSession(connection.sessionKey(), connection.userId()); // any client-sent 'from' is ignored
        posting.post(outbox, sender, roomId, text.getString(), clientMessageId)
                .whenComplete((posted, failed) -> {
                    if (failed != null) {
                        refuse(connection, unwrap(failed), clientMessageId);
                    } else if (clientMessageId != null) {
                        connection.send(ChatEvent.frame(ACK, JSON.createObjectBuilder().add("clientMessageId", clientMessageId)
                                // The stored message's room: an id used before, in another room, names the message it posted there.
                                .add("id", posted.stored().message().id()).add("roomId", posted.stored().message().roomId()).add("stored", true)
                                .add("duplicate", posted.duplicate()).build().toString()));
                    }
                });
        if (connection.dueForSessionTouch()) {
            try {
                sessions.touch(connection.sessionKey());
            } catch (RuntimeException e) { // the post has its own answer; the next touch is due in a minute
                LOG.fine(() -> "Session of user " + connection.userId() + " not touched: " + e);
            }
        }
    }

    private static RuntimeException unwrap(Throwable failed) {
        Throwable cause = failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    /** As strictly as an HTTP body: a frame naming a key twice is refused, not read as its last (docs/SECURITY.md, "Input"). */
    private static JsonObject parse(String frame) {
        return Json.object(frame);
    }

    /**
     * An error frame; for a post with a client message id it names the id and says whether the
     * message was stored ({@code false}: certainly not; {@code null}: unknown, retry with the same id).
     */
    private static String errorFrame(String message, String clientMessageId, Boolean stored) {
        if (clientMessageId == null) {
            return ChatEvent.errorFrame(message);
        }
        var data = JSON.createObjectBuilder().add("message", message).add("clientMessageId", clientMessageId);
        if (stored == null) {
            data.addNull("stored");
        } else {
            data.add("stored", stored);
        }
        return ChatEvent.frame(ChatEvent.ERROR, data.build().toString());
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        if (session.getUserProperties().get(CONNECTION) instanceof Connection connection) {
            connection.heard();
        }
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        if (session.getUserProperties().remove(UNFINISHED) instanceof UnfinishedMessages.Message message) {
            message.release();
        }
        Connection connection = (Connection) session.getUserProperties().remove(CONNECTION);
        if (connection == null) {
            return;
        }
        connection.ended();
        if (connections.remove(connection)) {
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
