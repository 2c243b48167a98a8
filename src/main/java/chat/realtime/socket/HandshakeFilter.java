package chat.realtime.socket;

import chat.config.Settings;
import chat.api.JsonErrors;
import chat.api.Origins;
import chat.api.UnexpectedErrorMapper;
import chat.limits.ClientAddress;
import chat.limits.LocalTokenBuckets;
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
import java.net.URI;
import java.net.URISyntaxException;
import java.security.Principal;
import java.util.Optional;

/**
 * Guards the WebSocket handshake before the upgrade: a live session is required (401) and a
 * browser's {@code Origin} must be the page's own or an allowed one (403), so another site
 * cannot open a socket with the user's cookie. A node that holds {@code CHAT_MAX_SOCKETS} sockets
 * (counting handshakes under way) refuses more with 503 and a {@code Retry-After}, so that a
 * reconnect storm never takes it to its open-file limit, where it could answer nobody.
 * So does one that works on {@code CHAT_WS_HANDSHAKES_AT_ONCE} handshakes already, or has taken
 * {@code CHAT_WS_HANDSHAKES_PER_SECOND} this second.
 * Every refusal is decided here, before the upgrade: the endpoint should not have to close a new
 * socket in {@code onOpen} (see {@link OpeningSockets}).
 */
@WebFilter(urlPatterns = "/ws")
public class HandshakeFilter extends HttpFilter {

    /** Sockets close when their users leave; a full node is worth asking again soon, spread by the client's jitter. */
    private static final int FULL_RETRY_AFTER_SECONDS = 10;

    private static final String TOO_MANY_FOR_USER = "Too many open connections for this user";
    private static final String TOO_MANY_FROM_ADDRESS = "Too many open connections from this address";

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

    /**
     * Each user's socket opens on this node, counted before anything shared. A user's first socket
     * and their last closing tell everyone online: one client opening and closing sockets in a loop
     * sent every user 400 presence events a second, and took 1,000 of the node's handshakes a
     * second from everyone else.
     */
    private final LocalTokenBuckets opens = new LocalTokenBuckets();
    private final LocalTokenBuckets opensFromAddress = new LocalTokenBuckets();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin != null && !Origins.isAllowed(origin, request, settings.allowedOrigins(), settings.hosts())) {
            refuse(response, 403, "Origin not allowed");
            return;
        }
        if (!isWellFormed(request)) {
            refuse(response, 400, "The socket's address is malformed");
            return;
        }
        // Tyrus answered 101 to a handshake with a body and then waited for ever on the request thread, the socket never
        // opened: 200 of them from one account made a node deaf (found from outside).
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            refuse(response, 400, "A WebSocket handshake carries no body");
            return;
        }
        LoginSession session;
        try {
            session = sessions.find(SessionCookie.tokensFrom(request)).orElse(null);
        } catch (RuntimeException e) {
            refuseIfOutage(response, e);
            return;
        }
        if (session == null) {
            refuse(response, 401, "Not logged in");
            return;
        }
        // Everything below comes after the session check, so that only users' handshakes take turns (a flood
        // without a session cannot use them up).
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            answerWhetherToWait(request, response, session);
            return;
        }
        // Before any answer, refusals too: a refused handshake's request and response go back to Grizzly's pools
        // with whatever buffers the answer took, and the sockets of a later storm are made of those.
        tyrus.upgrading(response);
        if (!opens.take(session.userId(), settings.socketsPerUser(), settings.socketOpensPerSecond())) {
            response.setHeader("Retry-After", String.valueOf(Math.max(1, Math.round(1 / settings.socketOpensPerSecond()))));
            refuse(response, 429, "You are opening connections too fast; try again shortly");
            return;
        }
        String address = ClientAddress.of(request, settings.trustedProxies());
        // Exact, against every other handshake under way: a full node, or as many handshakes at once as it may
        // work on. Both refusals are cheap, so a burst's queue in the container drains in seconds.
        Optional<OpeningSockets.Opening> place = opening.admit(connections::size, settings.maxSockets(), settings.handshakesAtOnce());
        if (place.isEmpty()) {
            if (isFull()) {
                refuseFull(response);
            } else {
                refuseBusy(response, admission.busy());
            }
            return;
        }
        boolean upgraded = false;
        Optional<String> handshake = Optional.empty();
        try {
            int retryAfter = admission.admit();
            if (retryAfter > 0) {
                refuseBusy(response, retryAfter);
                return;
            }
            // One address may hold half of the handshakes under way, the rest are everyone else's.
            OpeningSockets.Claim claim = place.get().claimFrom(address,
                    () -> connections.fromAddress(address), settings.socketsPerAddress(), settings.handshakesAtOnce() / 2);
            if (claim == OpeningSockets.Claim.TOO_MANY_SOCKETS) {
                refuse(response, 429, TOO_MANY_FROM_ADDRESS);
                return;
            }
            if (claim == OpeningSockets.Claim.TOO_MANY_AT_ONCE) {
                refuseBusy(response, 1);
                return;
            }
            // Many accounts behind one address: 200 of them opening and closing sockets in a loop sent every user 400 to
            // 1,300 presence events a second (found from outside), each account within its own limit. Counted only for
            // handshakes the node would take, so an office retrying through a busy node's 503s does not spend its opens.
            double perSecond = settings.socketOpensPerAddressPerSecond();
            if (!opensFromAddress.take(address, settings.socketOpensPerAddress(), perSecond)) {
                response.setHeader("Retry-After", String.valueOf(Math.max(1, Math.round(1 / perSecond))));
                refuse(response, 429, "Too many connections opening from your address; try again shortly");
                return;
            }
            handshake = reserveUsersPlace(response, session);
            if (handshake.isEmpty()) {
                return;
            }
            // The socket learns its session as the handshake's principal: per request, no shared state.
            SessionPrincipal principal = new SessionPrincipal(session, address, place.get(), handshake.get());
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }
            }, response);
            upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            // Upgraded, the socket keeps its places until the endpoint registers it (on Payara, after this returns).
            if (!upgraded) {
                place.get().finish();
                handshake.ifPresent(held -> presence.release(session.userId(), held));
            }
        }
    }

    /** A place under the user's socket limit, all nodes together; or empty, answered 429 (or 503 while Redis is away). */
    private Optional<String> reserveUsersPlace(HttpServletResponse response, LoginSession session) throws IOException {
        Optional<String> handshake;
        try {
            handshake = presence.reserve(session.userId(), settings.socketsPerUser());
        } catch (RuntimeException e) {
            refuseIfOutage(response, e);
            return Optional.empty();
        }
        if (handshake.isEmpty()) {
            refuse(response, 429, TOO_MANY_FOR_USER);
        }
        return handshake;
    }

    /**
     * A plain GET (no upgrade) is how the browser client asks whether to come back later: it cannot
     * read a refused handshake's status. "No need to wait" is an answer, not an error (Tyrus's 404 for
     * a request without an upgrade showed in the browser's console after every failed reconnect).
     * Over a socket limit it is the handshake's 429, so that the page can say why it stays offline
     * (it said "reconnecting" for ever, as a 21st tab).
     */
    private void answerWhetherToWait(HttpServletRequest request, HttpServletResponse response, LoginSession session)
            throws IOException {
        if (isFull()) {
            refuseFull(response);
            return;
        }
        int retryAfter = opening.isBusy(settings.handshakesAtOnce()) ? admission.peekBusy() : admission.peek();
        if (retryAfter > 0) {
            refuseBusy(response, retryAfter);
            return;
        }
        if (refusedOverSocketLimits(response, session, ClientAddress.of(request, settings.trustedProxies()))) {
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /**
     * For the plain GET: answers 429 (or 503 while Redis is away) when the user or the address holds as many sockets
     * as allowed. A handshake holds its places instead ({@link #reserveUsersPlace}, {@link OpeningSockets.Opening#claimFrom}).
     */
    private boolean refusedOverSocketLimits(HttpServletResponse response, LoginSession session, String address) throws IOException {
        long usersSockets;
        try {
            usersSockets = presence.socketsOf(session.userId());
        } catch (RuntimeException e) {
            refuseIfOutage(response, e);
            return true;
        }
        if (usersSockets >= settings.socketsPerUser()) {
            refuse(response, 429, TOO_MANY_FOR_USER);
            return true;
        }
        if (connections.fromAddress(address) >= settings.socketsPerAddress()) {
            refuse(response, 429, TOO_MANY_FROM_ADDRESS);
            return true;
        }
        return false;
    }

    /**
     * Whether Tyrus can read the request's address: it parses it as a URI after writing the 101, and on a query such
     * as {@code ?%zz} it failed there (a SEVERE trace), the socket never opened and its place was never given back;
     * on a path parameter such as {@code /ws;{} it answered 500 with a stack trace in the log.
     */
    private static boolean isWellFormed(HttpServletRequest request) {
        String query = request.getQueryString();
        try {
            new URI(request.getRequestURI() + (query == null ? "" : "?" + query));
            return true;
        } catch (URISyntaxException malformed) {
            return false;
        }
    }

    private boolean isFull() {
        return connections.size() + opening.count() >= settings.maxSockets();
    }

    private static void refuseIfOutage(HttpServletResponse response, RuntimeException e) throws IOException {
        if (!UnexpectedErrorMapper.isRedisOutage(e)) {
            throw e;
        }
        response.setHeader("Retry-After", String.valueOf(UnexpectedErrorMapper.OUTAGE_RETRY_AFTER_SECONDS));
        refuse(response, 503, "The chat store is unavailable, try again shortly");
    }

    private static void refuseBusy(HttpServletResponse response, int retryAfter) throws IOException {
        response.setHeader("Retry-After", String.valueOf(retryAfter));
        refuse(response, 503, "Too many connections opening at once, try again shortly");
    }

    private static void refuseFull(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", String.valueOf(FULL_RETRY_AFTER_SECONDS));
        refuse(response, 503, "This node holds as many connections as it can, try again shortly");
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        JsonErrors.write(response, status, message);
    }
}
