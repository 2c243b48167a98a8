package chat.realtime.socket;

import chat.config.Settings;
import chat.api.UnexpectedErrorMapper;
import chat.limits.ClientAddress;
import chat.presence.Presence;
import chat.realtime.hub.LocalConnections;
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
import java.net.URI;
import java.security.Principal;
import java.util.Locale;

/**
 * Guards the WebSocket handshake before the upgrade: a live session is required (401) and a
 * browser's {@code Origin} must be the page's own or an allowed one (403), so another site
 * cannot open a socket with the user's cookie.
 */
@WebFilter(urlPatterns = "/ws")
public class HandshakeFilter extends HttpFilter {

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

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin != null && !isAllowed(origin, request)) {
            refuse(response, 403, "Origin not allowed");
            return;
        }
        LoginSession session;
        long sockets;
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
            int retryAfter = upgrade ? admission.admit() : admission.peek();
            if (retryAfter > 0) {
                response.setHeader("Retry-After", String.valueOf(retryAfter));
                refuse(response, 503, "Too many connections opening at once, try again shortly");
                return;
            }
            sockets = presence.socketsOf(session.userId());
        } catch (RuntimeException e) {
            if (UnexpectedErrorMapper.isRedisOutage(e)) {
                refuse(response, 503, "The chat store is unavailable, try again shortly");
                return;
            }
            throw e;
        }
        String address = ClientAddress.of(request, settings.trustedProxies());
        if (sockets >= settings.socketsPerUser()) {
            refuse(response, 429, "Too many open connections for this user");
            return;
        }
        if (connections.fromAddress(address) >= settings.socketsPerAddress()) {
            refuse(response, 429, "Too many open connections from this address");
            return;
        }
        // The socket learns its session as the handshake's principal: per request, no shared state.
        SessionPrincipal principal = new SessionPrincipal(session, address);
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }
        }, response);
    }

    boolean isAllowed(String origin, HttpServletRequest request) {
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        String scheme = SessionCookie.isHttps(request) ? "https" : "http";
        String host = request.getHeader("Host");
        if (host != null && normalized.equals(normalize(scheme + "://" + host))) {
            return true;
        }
        return settings.allowedOrigins().stream().map(HandshakeFilter::normalize).anyMatch(normalized::equals);
    }

    /** scheme://host[:port] in lower case, default ports dropped; null when it is not an origin. */
    static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write(jakarta.json.Json.createObjectBuilder().add("message", message).build().toString());
    }
}
