package chat.realtime.hub;

import jakarta.websocket.CloseReason;

/**
 * What the hub needs of a socket open on this node. The socket layer implements it
 * ({@code chat.realtime.socket.Connection}); the hub's unit tests record with their own, so the
 * hub never depends on the transport above it.
 */
public interface LocalSocket {

    String userId();

    String sessionKey();

    /** The client's address, as the handshake decided it. */
    String address();

    /** Queues the event; never blocks (a socket too slow to take it closes itself). */
    void send(OutboundEvent event);

    /** Closes without blocking the caller. */
    void close(CloseReason.CloseCode code, String reason);

    /** Closes a socket that failed its client ({@code cause}: why, for logs and metrics), aborting its connection. */
    void drop(String cause, CloseReason.CloseCode code, String reason);

    void ping();

    long lastHeardMillis();
}
