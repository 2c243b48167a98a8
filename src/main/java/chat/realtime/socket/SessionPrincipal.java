package chat.realtime.socket;

import chat.sessions.LoginSession;

import java.security.Principal;

/** The login session behind a WebSocket, handed from the handshake filter to the endpoint. */
record SessionPrincipal(LoginSession session, String address) implements Principal {

    @Override
    public String getName() {
        return session.userId();
    }
}
