package chat.realtime.tyrus;

import chat.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the socket layer asks of the runtime beyond Jakarta WebSocket: the workarounds for Tyrus
 * (Payara, GlassFish), each reached by reflection in its own class of this package, each doing
 * nothing on another runtime. Three are switches, read here once and reported in the log: whether
 * sockets are written with frames encoded once per node ({@code CHAT_WS_RAW_FRAMES},
 * {@link TyrusRawFrames}), whether idle timers run on a plain scheduler
 * ({@code CHAT_TYRUS_PLAIN_IDLE_TIMER}, {@link TyrusIdleTimer}) and whether a socket's response
 * gets a small output buffer ({@code CHAT_WS_SMALL_OUTPUT_BUFFER}, {@link TyrusOutputBuffer}); at
 * the first socket each says whether it is active on this runtime. Dropping a socket aborts its
 * TCP connection ({@link TyrusTcpAbort}), always.
 */
@ApplicationScoped
public class TyrusAdapter {

    private static final Logger LOG = Logger.getLogger(TyrusAdapter.class.getName());

    private boolean rawFrames;
    private boolean smallOutputBuffer;
    private TyrusIdleTimer idleTimer; // null: switched off

    /** For CDI's client proxy, which delegates every call. */
    protected TyrusAdapter() {
    }

    @Inject
    public TyrusAdapter(Settings settings) {
        rawFrames = settings.rawSocketFrames();
        if (!rawFrames) {
            LOG.info("Tyrus raw frames: workaround INACTIVE (CHAT_WS_RAW_FRAMES=false): every socket's text is encoded "
                    + "to UTF-8 by the runtime for each receiver");
        }
        smallOutputBuffer = settings.smallOutputBuffer();
        if (!smallOutputBuffer) {
            LOG.info("Payara's WebSocket output buffer: workaround INACTIVE (CHAT_WS_SMALL_OUTPUT_BUFFER=false): every frame "
                    + "written is copied into a fresh 8 KiB buffer");
        }
        if (settings.plainIdleTimer()) {
            idleTimer = new TyrusIdleTimer();
        } else {
            LOG.info("Tyrus idle timers: workaround INACTIVE (CHAT_TYRUS_PLAIN_IDLE_TIMER=false): on Payara every incoming "
                    + "WebSocket message pays for a container context capture");
        }
    }

    @PreDestroy
    void stop() {
        if (idleTimer != null) {
            idleTimer.stop();
        }
    }

    /** A socket's handshake, before the upgrade: on Payara its response's output buffer shrinks (when switched on). */
    public void upgrading(ServletResponse response) {
        if (smallOutputBuffer) {
            TyrusOutputBuffer.shrink(response);
        }
    }

    /** A socket opened: on Tyrus, its idle timer moves to the plain scheduler (when switched on). */
    public void opened(Session session) {
        if (idleTimer != null) {
            idleTimer.adopt(session);
        }
    }

    /** Whether the socket is Tyrus's (Payara's). */
    public boolean isTyrus(Session session) {
        return session.getClass().getName().startsWith("org.glassfish.tyrus.");
    }

    /** Whether sockets may be written with raw frames (switched on; whether this runtime has them shows per socket). */
    public boolean rawFramesOn() {
        return rawFrames;
    }

    /** @return the writer of raw frames for the socket, or null: write it with the standard API */
    public TyrusRawFrames rawFrames(Session session) {
        return rawFrames ? TyrusRawFrames.of(session) : null;
    }

    /**
     * Closes the socket and, on Tyrus over Grizzly, aborts its TCP connection: a client that stops
     * reading never lets the close frame out, and the connection would stay open with all that is
     * queued for it.
     *
     * @return whether the connection was aborted (false: the runtime closes it its own way)
     */
    public boolean closeAborting(Session session, CloseReason reason) {
        TyrusTcpAbort tcp = session.isOpen() ? TyrusTcpAbort.of(session) : null; // before the close: a closed session has no remote
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, () -> "Closing socket " + session.getId() + ": " + e);
        }
        if (tcp != null) {
            tcp.abort();
        }
        return tcp != null;
    }
}
