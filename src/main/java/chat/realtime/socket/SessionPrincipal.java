package chat.realtime.socket;

import chat.sessions.LoginSession;

import java.security.Principal;

/**
 * What the handshake filter decided for a WebSocket, handed to the endpoint: the login session behind it, the
 * client's address, its place under the node's and the address's socket limits, and the id of its place under the
 * user's ({@link chat.presence.Presence#reserve}).
 */
record SessionPrincipal(LoginSession session, String address, OpeningSockets.Opening place, String handshake)
        implements Principal {

    @Override
    public String getName() {
        return session.userId();
    }
}
