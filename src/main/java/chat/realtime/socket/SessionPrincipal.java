package chat.realtime.socket;

import chat.sessions.LoginSession;

import java.security.Principal;

/**
 * What the handshake filter decided for a WebSocket, handed to the endpoint: the login session behind it, the
 * client's address, and its place under the node's socket limit.
 */
record SessionPrincipal(LoginSession session, String address, OpeningSockets.Opening place) implements Principal {

    @Override
    public String getName() {
        return session.userId();
    }
}
