package chat.realtime.socket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

/**
 * A WebSocket session whose writes stay in flight until the test finishes them, as a client
 * that reads slowly would keep them: so what a {@link Connection} writes while an earlier write
 * is under way can be seen frame by frame, without a server. It records the text frames written
 * and the close; nothing else of a session is used by a connection's write path.
 */
final class HeldWritesSession implements Session {

    final List<String> frames = new CopyOnWriteArrayList<>();
    /** The thread that wrote each frame, by position. */
    final List<String> writers = new CopyOnWriteArrayList<>();
    private final Queue<SendHandler> inFlight = new ArrayDeque<>();
    volatile CloseReason closed;

    /** Finishes the oldest write in flight, successfully or not; the connection's answer may write the next frame. */
    void finishWrite(boolean ok) {
        SendHandler handler;
        synchronized (this) {
            handler = inFlight.remove();
        }
        handler.onResult(ok ? new SendResult() : new SendResult(new IOException("connection reset")));
    }

    synchronized int writesInFlight() {
        return inFlight.size();
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        return new HeldRemote();
    }

    @Override
    public void close(CloseReason reason) {
        closed = reason;
    }

    @Override
    public boolean isOpen() {
        return closed == null;
    }

    @Override
    public String getId() {
        return "held";
    }

    private final class HeldRemote implements RemoteEndpoint.Async {

        @Override
        public void sendText(String text, SendHandler handler) {
            frames.add(text);
            writers.add(Thread.currentThread().getName());
            synchronized (HeldWritesSession.this) {
                inFlight.add(handler);
            }
        }

        @Override
        public void sendPing(ByteBuffer applicationData) {
        }

        @Override
        public long getSendTimeout() {
            return 0;
        }

        @Override
        public void setSendTimeout(long timeoutMillis) {
            throw unused();
        }

        @Override
        public Future<Void> sendText(String text) {
            throw unused();
        }

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            throw unused();
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            throw unused();
        }

        @Override
        public Future<Void> sendObject(Object data) {
            throw unused();
        }

        @Override
        public void sendObject(Object data, SendHandler handler) {
            throw unused();
        }

        @Override
        public void setBatchingAllowed(boolean allowed) {
            throw unused();
        }

        @Override
        public boolean getBatchingAllowed() {
            return false;
        }

        @Override
        public void flushBatch() {
            throw unused();
        }

        @Override
        public void sendPong(ByteBuffer applicationData) {
            throw unused();
        }
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by a connection's write path");
    }

    @Override
    public void close() {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    @Override
    public WebSocketContainer getContainer() {
        throw unused();
    }

    @Override
    public void addMessageHandler(MessageHandler handler) {
        throw unused();
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Whole<T> handler) {
        throw unused();
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Partial<T> handler) {
        throw unused();
    }

    @Override
    public Set<MessageHandler> getMessageHandlers() {
        throw unused();
    }

    @Override
    public void removeMessageHandler(MessageHandler handler) {
        throw unused();
    }

    @Override
    public String getProtocolVersion() {
        return "13";
    }

    @Override
    public String getNegotiatedSubprotocol() {
        return "";
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        return List.of();
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public long getMaxIdleTimeout() {
        return 0;
    }

    @Override
    public void setMaxIdleTimeout(long milliseconds) {
        throw unused();
    }

    @Override
    public void setMaxBinaryMessageBufferSize(int length) {
        throw unused();
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        return 0;
    }

    @Override
    public void setMaxTextMessageBufferSize(int length) {
        throw unused();
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        return 0;
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        throw unused();
    }

    @Override
    public URI getRequestURI() {
        return URI.create("ws://localhost/ws");
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        return Map.of();
    }

    @Override
    public String getQueryString() {
        return null;
    }

    @Override
    public Map<String, String> getPathParameters() {
        return Map.of();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return new HashMap<>();
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public Set<Session> getOpenSessions() {
        throw unused();
    }
}
