package chat.realtime.socket;

import chat.sessions.LoginSession;

import java.security.Principal;
import java.util.Set;

/**
 * What the handshake filter decided for a WebSocket, handed to the endpoint: the login session behind it, the
 * client's address, the named rooms and message epoch it starts from, and its place under the node's socket limit.
 */
record SessionPrincipal(LoginSession session, String address, Set<String> namedRooms, String epoch,
                        OpeningSockets.Opening place) implements Principal {

    @Override
    public String getName() {
        return session.userId();
    }
}
