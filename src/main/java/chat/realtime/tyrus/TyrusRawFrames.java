package chat.realtime.tyrus;

import chat.realtime.hub.OutboundEvent;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes text frames that we built ourselves straight to Tyrus's WebSocket (Payara, GlassFish).
 *
 * <p>Jakarta WebSocket only sends {@code String}s, which Tyrus encodes to UTF-8 character by
 * character for every receiver: with the same batch of events going to a hundred sockets, that
 * encoding was a third of a node's CPU. Here every event is encoded once per node
 * ({@link OutboundEvent}), a socket's frame is its events' bytes copied behind a frame header,
 * and Tyrus's public {@code TyrusWebSocket.sendRawFrame} writes it, reached through the
 * session's remote endpoint (a package-private field). Where that is not there (another runtime,
 * another Tyrus) {@link #of} answers null and the standard API is used. Obtained from
 * {@link TyrusAdapter#rawFrames}, which also says whether they are in use.
 */
public final class TyrusRawFrames {

    private static final Logger LOG = Logger.getLogger(TyrusRawFrames.class.getName());

    private static volatile Access access;

    private final Object webSocket;
    private final Method sendRawFrame;

    private TyrusRawFrames(Object webSocket, Method sendRawFrame) {
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
    }

    /** @return a writer for the session's socket, or null when not running on Tyrus */
    static TyrusRawFrames of(Session session) {
        Object remote = session.getAsyncRemote();
        Access a = access;
        if (a == null || a.remoteType != remote.getClass()) {
            a = accessFor(remote.getClass());
        }
        if (a.webSocket == null) {
            return null;
        }
        try {
            Object webSocket = a.webSocket.get(remote);
            return webSocket == null ? null : new TyrusRawFrames(webSocket, a.sendRawFrame);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "No raw frames for this socket", e);
            return null;
        }
    }

    /**
     * Sends the events as one text frame of JSON lines.
     *
     * @return completes when the frame is written (or failed)
     */
    public Future<?> send(List<OutboundEvent> events) throws Exception {
        byte[] frame = events.size() == 1 ? events.get(0).frame(TyrusRawFrames::soleFrame) : textFrame(events);
        try {
            return (Future<?>) sendRawFrame.invoke(webSocket, ByteBuffer.wrap(frame));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static byte[] soleFrame(OutboundEvent event) {
        return textFrame(List.of(event));
    }

    /** One unmasked, unfragmented text frame (RFC 6455 §5.2) holding the events as JSON lines. */
    static byte[] textFrame(List<OutboundEvent> events) {
        int length = events.size() - 1;
        for (OutboundEvent e : events) {
            length += e.utf8().length;
        }
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) 0x81; // FIN, text
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        int at = header;
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                frame[at++] = '\n';
            }
            byte[] bytes = events.get(i).utf8();
            System.arraycopy(bytes, 0, frame, at, bytes.length);
            at += bytes.length;
        }
        return frame;
    }

    /** Found (and said in the log) once per runtime, absent or not, however many handshakes of a burst ask at once. */
    private static synchronized Access accessFor(Class<?> remoteType) {
        Access a = access;
        if (a == null || a.remoteType != remoteType) {
            a = Access.of(remoteType);
            access = a;
        }
        return a;
    }

    /** How to reach the WebSocket behind one class of remote endpoint (null fields: not there). */
    private record Access(Class<?> remoteType, Field webSocket, Method sendRawFrame) {

        static Access of(Class<?> remoteType) {
            boolean tyrus = false;
            for (Class<?> c = remoteType; c != null; c = c.getSuperclass()) {
                if (!c.getName().startsWith("org.glassfish.tyrus.")) {
                    continue;
                }
                tyrus = true;
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals("webSocket")) {
                        try {
                            Method send = f.getType().getMethod("sendRawFrame", ByteBuffer.class);
                            f.setAccessible(true);
                            send.setAccessible(true);
                            LOG.info("Tyrus raw frames: workaround ACTIVE: frames are encoded once per node and sent with sendRawFrame");
                            return new Access(remoteType, f, send);
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            LOG.log(Level.FINE, "No sendRawFrame", e);
                        }
                    }
                }
            }
            LOG.info("Tyrus raw frames: workaround INACTIVE: " + (tyrus ? "this Tyrus offers no sendRawFrame"
                    : remoteType.getName() + " is not Tyrus's") + ": sockets are written with sendText");
            return new Access(remoteType, null, null);
        }
    }
}
