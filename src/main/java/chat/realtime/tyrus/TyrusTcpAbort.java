package chat.realtime.tyrus;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Aborts the TCP connection under a WebSocket on Tyrus over Payara's Grizzly.
 *
 * <p>Closing a session only queues a close frame and closes TCP once that frame is written. A
 * client that stopped reading never lets it be written: measured, a dropped socket stayed
 * ESTABLISHED with 2.8 MB unsent until the client went away. Grizzly can drop a connection
 * without writing what is queued ({@code Connection.terminateSilently}); it is reached from the
 * session along Tyrus's and Payara's private members: remote endpoint, {@code TyrusWebSocket},
 * {@code ProtocolHandler}, its servlet writer, the upgrade handler (a proxy), its
 * {@code WebConnection}, Catalina's request, Grizzly's request, its connection. (Tyrus's own close
 * ends in {@code WebConnection.close}, which finishes the HTTP exchange and leaves the connection
 * open for keep-alive.) Taken before the session is closed
 * (a closed session has no remote endpoint). Elsewhere (another runtime, another Tyrus) {@link #of}
 * answers null and the runtime closes the connection its own way.
 */
final class TyrusTcpAbort {

    private static final Logger LOG = Logger.getLogger(TyrusTcpAbort.class.getName());
    private static final String[] PATH = {"webSocket", "protocolHandler", "writer", "tyrusHttpUpgradeHandler"};
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private final Object grizzlyConnection;

    private TyrusTcpAbort(Object grizzlyConnection) {
        this.grizzlyConnection = grizzlyConnection;
    }

    /** @return the abort of the session's TCP connection, or null where the path above does not lead to one */
    static TyrusTcpAbort of(Session session) {
        String step = "the remote endpoint";
        try {
            Object at = session.getAsyncRemote();
            for (String name : PATH) {
                step = name + " of " + at.getClass().getName();
                at = field(at, name);
                if (at == null) {
                    return notFound(step, null);
                }
            }
            // Tyrus hands the container a proxy of the upgrade handler; its getter reaches the real one's connection.
            step = "getWebConnection of " + at.getClass().getName();
            Object webConnection = call(at, "getWebConnection");
            step = "request of " + (webConnection == null ? "null" : webConnection.getClass().getName());
            Object request = webConnection == null ? null : field(webConnection, "request");
            step = "getCoyoteRequest of " + (request == null ? "null" : request.getClass().getName());
            Object grizzlyRequest = request == null ? null : call(request, "getCoyoteRequest");
            step = "getConnection of " + (grizzlyRequest == null ? "null" : grizzlyRequest.getClass().getName());
            Object connection = grizzlyRequest == null ? null : call(grizzlyRequest, "getConnection");
            return connection == null ? notFound(step, null) : new TyrusTcpAbort(connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return notFound(step, e);
        }
    }

    /** Said once at INFO (a runtime without the path), then at FINE. */
    private static TyrusTcpAbort notFound(String step, Exception e) {
        Level level = TOLD.compareAndSet(false, true) ? Level.INFO : Level.FINE;
        LOG.log(level, "Cannot abort TCP connections of WebSockets here (no " + step + "): the runtime closes them", e);
        return null;
    }

    /** Closes the TCP connection now, dropping whatever is still queued for it. */
    void abort() {
        try {
            call(grizzlyConnection, "terminateSilently");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.INFO, "Could not abort a TCP connection", e);
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f.get(target);
                }
            }
        }
        return null;
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    m.setAccessible(true);
                    return m.invoke(target);
                }
            }
        }
        // public interface methods of classes we cannot open
        Method m = target.getClass().getMethod(name);
        return m.invoke(target);
    }
}
