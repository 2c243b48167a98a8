package chat.limits;

import chat.api.JsonErrors;
import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code CHAT_REQUESTS_PER_ADDRESS_AT_ONCE} of one client address's requests hold a request
 * thread of this node at a time; another is refused at once (429, Retry-After) and its connection
 * closed. A client that asks for answers and never reads them holds the thread writing each answer
 * once the connection's write queue is full: 250 connections pipelining requests for the page's
 * script took all 200 of Payara's threads (and, on loopback, ran the node out of heap), and as the
 * threads that would have noticed the connections closing were among them, the node stayed deaf
 * after the client had gone (docs/SECURITY.md, "No stalls"). A refused connection is closed, so
 * that refusing costs no more than a small write.
 *
 * <p>An answer that cannot be written because its client is gone (or read nothing for the container's
 * write timeout) ends here, quietly: every request such a client had pipelined fails that way.
 *
 * <p>WebSocket handshakes are left to the handshake filter, which bounds them per node and answers
 * a storm with 503 and Retry-After; an open socket holds no request thread. A request the container
 * dispatches again (an API body read asynchronously) was let in already and is only counted.
 */
public class RequestsPerAddress extends HttpFilter {

    static final String REFUSAL = "Too many requests at once from your address; try again in a moment";
    /** How Grizzly's writes fail once the client is gone or has stopped reading. */
    private static final List<String> GONE_CLIENT = List.of("Connection is closed", "Connection closed", "Locally closed",
            "Broken pipe", "Connection reset by peer", "Write timeout exceeded");

    @Inject
    Settings settings;

    private final ConcurrentHashMap<String, Integer> working = new ConcurrentHashMap<>();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (isHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        String address = ClientAddress.of(request, settings.trustedProxies());
        int atOnce = working.merge(address, 1, Integer::sum);
        try {
            if (atOnce > settings.requestsPerAddressAtOnce() && request.getDispatcherType() != DispatcherType.ASYNC) {
                response.setHeader("Retry-After", "1");
                response.setHeader("Connection", "close");
                try {
                    JsonErrors.write(response, 429, REFUSAL);
                } catch (IOException gone) {
                    // Closed by an earlier refusal: the container still hands us the requests it had read from it.
                }
                return;
            }
            chain.doFilter(request, response);
        } catch (IOException | UncheckedIOException failed) { // the API's answers fail unchecked
            if (!isGoneClient(failed)) {
                throw failed;
            }
            // Not an error of ours, and logged by the container with a stack trace (twice, with the error
            // page's attempt): a client pipelining requests for the page's script and hanging up wrote 6 GB
            // of log in two minutes, one record per request it had queued.
        } finally {
            working.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        }
    }

    /** A write to a client that is gone, or that has read nothing for the container's write timeout. */
    public static boolean isGoneClient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (cause instanceof IOException && message != null && GONE_CLIENT.stream().anyMatch(message::startsWith)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a stack trace logged as text ends in a write to a client that is gone. */
    public static boolean isGoneClient(String loggedStackTrace) {
        return GONE_CLIENT.stream().anyMatch(message -> loggedStackTrace.contains("IOException: " + message));
    }

    private static boolean isHandshake(HttpServletRequest request) {
        return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
                && request.getRequestURI().equals(request.getContextPath() + "/ws");
    }
}
