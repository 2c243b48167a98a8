package chat.realtime.socket;

import chat.config.Settings;
import chat.api.JsonErrors;
import chat.api.Origins;
import chat.api.UnexpectedErrorMapper;
import chat.limits.ClientAddress;
import chat.presence.Presence;
import chat.realtime.hub.LocalConnections;
import chat.realtime.tyrus.TyrusAdapter;
import chat.sessions.LoginSession;
import chat.sessions.SessionCookie;
import chat.sessions.Sessions;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.util.Optional;

/**
 * Guards the WebSocket handshake before the upgrade: a live session is required (401) and a
 * browser's {@code Origin} must be the page's own or an allowed one (403), so another site
 * cannot open a socket with the user's cookie. A node that holds {@code CHAT_MAX_SOCKETS} sockets
 * (counting handshakes under way) refuses more with 503 and a {@code Retry-After}, so that a
 * reconnect storm never takes it to its open-file limit, where it could answer nobody.
 * Every refusal is decided here, before the upgrade: the endpoint should not have to close a new
 * socket in {@code onOpen} (see {@link OpeningSockets}).
 */
@WebFilter(urlPatterns = "/ws")
public class HandshakeFilter extends HttpFilter {

    /** Sockets close when their users leave; a full node is worth asking again soon, spread by the client's jitter. */
    private static final int FULL_RETRY_AFTER_SECONDS = 10;

    @Inject
    Sessions sessions;

    @Inject
    Settings settings;

    @Inject
    Presence presence;

    @Inject
    LocalConnections connections;

    @Inject
    HandshakeAdmission admission;

    @Inject
    TyrusAdapter tyrus;

    @Inject
    OpeningSockets opening;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin != null && !Origins.isAllowed(origin, request, settings.allowedOrigins())) {
            refuse(response, 403, "Origin not allowed");
            return;
        }
        LoginSession session;
        String address;
        try {
            session = sessions.find(SessionCookie.tokenFrom(request)).orElse(null);
            if (session == null) {
                refuse(response, 401, "Not logged in");
                return;
            }
            // After the session check, so that only users' handshakes take turns (a flood without a session cannot use
            // them up). A plain GET (no upgrade) is how the browser client asks whether to come back later: it cannot
            // read a refused handshake's status.
            boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
            if (connections.size() + opening.count() >= settings.maxSockets()) {
                refuseFull(response);
                return;
            }
            int retryAfter = upgrade ? admission.admit() : admission.peek();
            if (retryAfter > 0) {
                response.setHeader("Retry-After", String.valueOf(retryAfter));
                refuse(response, 503, "Too many connections opening at once, try again shortly");
                return;
            }
            if (!upgrade) {
                // "No need to wait": an answer, not an error (Tyrus's 404 for a request without an
                // upgrade showed in the browser's console after every failed reconnect).
                response.setHeader("Cache-Control", "no-store");
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
            address = ClientAddress.of(request, settings.trustedProxies());
            if (presence.socketsOf(session.userId()) >= settings.socketsPerUser()) {
                refuse(response, 429, "Too many open connections for this user");
                return;
            }
            if (connections.fromAddress(address) >= settings.socketsPerAddress()) {
                refuse(response, 429, "Too many open connections from this address");
                return;
            }
        } catch (RuntimeException e) {
            if (UnexpectedErrorMapper.isRedisOutage(e)) {
                response.setHeader("Retry-After", String.valueOf(UnexpectedErrorMapper.OUTAGE_RETRY_AFTER_SECONDS));
                refuse(response, 503, "The chat store is unavailable, try again shortly");
                return;
            }
            throw e;
        }
        // The check above is a cheap first line; this one is exact, against every other handshake under way.
        Optional<OpeningSockets.Opening> place = opening.admit(connections::size, settings.maxSockets());
        if (place.isEmpty()) {
            refuseFull(response);
            return;
        }
        // The socket learns its session as the handshake's principal: per request, no shared state.
        SessionPrincipal principal = new SessionPrincipal(session, address, place.get());
        tyrus.upgrading(response);
        boolean upgraded = false;
        try {
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }
            }, response);
            upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            // Upgraded, the socket keeps its place until the endpoint registers it (on Payara, after this returns).
            if (!upgraded) {
                place.get().finish();
            }
        }
    }

    private static void refuseFull(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", String.valueOf(FULL_RETRY_AFTER_SECONDS));
        refuse(response, 503, "This node holds as many connections as it can, try again shortly");
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        JsonErrors.write(response, status, message);
    }
}
