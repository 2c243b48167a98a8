package chat.node;

import chat.limits.RequestsPerAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records the container writes for what any client can cause at will, which would let anyone
 * flood the log (docs/SECURITY.md). While the application runs they are dropped and one FINE line
 * of ours is written instead; every other record passes as before.
 * <ul>
 * <li>Payara answers a request whose path cannot be decoded ({@code GET /%zz}) itself, before any
 * filter or error page of ours, and logs each one at SEVERE with a stack trace of some forty lines; with an
 * {@code Upgrade: websocket} header, Grizzly's WebSocket filter logs it first, a WARNING with a stack trace.
 * <li>A request whose body arrives after its headers is read asynchronously ({@code BoundedBody});
 * Payara ends such a request on the thread that completes it while Weld keeps the CDI request
 * context per thread, so each one leaves three or four Weld warnings about a "not fully compliant"
 * container (WELD-000714, -000715, -000225, -000335). Weld cleans the leftover context up itself
 * when the thread serves its next request; the sockets' threads use no request-scoped bean.
 * <li>An API answer whose client is gone (a client that pipelined requests and hung up) fails as
 * Jersey commits it, and Jersey logs each one at SEVERE with a stack trace before the container
 * sees it ({@code chat.limits.RequestsPerAddress} ends it quietly there).
 * <li>An error page (a 404 for a file) whose client is gone: after the page the container flushes
 * the answer and logs the failure at WARNING with a stack trace.
 * <li>A socket frame larger than Tyrus's incoming buffer (web.xml): Tyrus closes the socket with
 * 1011 as it should, and first logs a WARNING with a stack trace of some fifty lines, once per socket.
 * <li>A chunked request body whose chunk sizes are not hexadecimal: Grizzly drops the connection and logs a
 * WARNING (GRIZZLY0013) with a 2.5 KB stack trace, no account needed; from outside 160,000 such requests wrote
 * 407 MB of log in 25 s to a node reached directly (nginx refuses them itself).
 * </ul>
 */
@ApplicationScoped
public class ContainerLogNoise {

    private static final Logger LOG = Logger.getLogger(ContainerLogNoise.class.getName());
    /** Payara's web container logs there ({@code AS-WEB-CORE-00037}). */
    private static final String CONTAINER_LOGGER = "jakarta.enterprise.web.core";
    /** Payara's host, which sends the error pages, logs there. */
    private static final String HOST_LOGGER = "jakarta.enterprise.web";
    private static final List<String> WELD_LOGGERS = List.of("org.jboss.weld.Servlet", "org.jboss.weld.Context", "org.jboss.weld.Conversation");
    /** Jersey logs an answer it could not write there. */
    private static final String JERSEY_RESPONDER = "org.glassfish.jersey.server.ServerRuntime$Responder";
    /** Tyrus logs the errors that close a socket there. */
    private static final String TYRUS_ENDPOINT = "org.glassfish.tyrus.core.TyrusEndpointWrapper";
    /** Grizzly's own WebSocket filter, which looks at every upgrade request before the container does, logs there. */
    private static final String GRIZZLY_WEBSOCKETS = "websocket";
    /** Grizzly logs what fails while it parses a request there. */
    private static final String GRIZZLY_FILTER_CHAIN = "org.glassfish.grizzly.filterchain.DefaultFilterChain";
    private static final Set<String> WELD_ASYNC_WARNINGS = Set.of("WELD-000714", "WELD-000715", "WELD-000225", "WELD-000335");

    /** Each filtered logger with the filter it had; held: a logger only weakly referenced may be collected with its filter. */
    private final Map<Logger, Filter> previous = new LinkedHashMap<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        drop(CONTAINER_LOGGER, ContainerLogNoise::isUndecodablePath, "Refused a request whose path cannot be decoded");
        drop(GRIZZLY_WEBSOCKETS, ContainerLogNoise::isUndecodablePath, "Refused a WebSocket upgrade whose path cannot be decoded");
        drop(JERSEY_RESPONDER, record -> RequestsPerAddress.isGoneClient(record.getThrown()), "An answer to a client that is gone");
        drop(HOST_LOGGER, ContainerLogNoise::isErrorPageToGoneClient, "An error page to a client that is gone");
        drop(TYRUS_ENDPOINT, ContainerLogNoise::isOversizedFrame, "A socket frame over the incoming buffer, closed with 1011");
        drop(GRIZZLY_FILTER_CHAIN, ContainerLogNoise::isBrokenBody, "A request body Grizzly could not parse, connection dropped");
        for (String weld : WELD_LOGGERS) {
            drop(weld, ContainerLogNoise::isAsyncRequestWarning, "Weld's warning after an asynchronously read request");
        }
    }

    /** Gives the container its loggers back: a filter of ours would keep this application's classes after undeployment. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        previous.forEach(Logger::setFilter);
        previous.clear();
    }

    private void drop(String loggerName, Predicate<LogRecord> noise, String instead) {
        Logger logger = Logger.getLogger(loggerName);
        Filter before = logger.getFilter();
        previous.put(logger, before);
        logger.setFilter(record -> {
            if (noise.test(record)) {
                LOG.fine(() -> instead + ": " + (record.getThrown() != null ? record.getThrown().getMessage() : record.getMessage()));
                return false;
            }
            return before == null || before.isLoggable(record);
        });
    }

    private static boolean isUndecodablePath(LogRecord record) {
        Throwable thrown = record.getThrown();
        return thrown instanceof IllegalArgumentException && Arrays.stream(thrown.getStackTrace())
                .anyMatch(frame -> frame.getClassName().endsWith(".HttpRequestURIDecoder"));
    }

    private static boolean isOversizedFrame(LogRecord record) {
        Throwable thrown = record.getThrown();
        return thrown instanceof IllegalArgumentException && Arrays.stream(thrown.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("appendBuffers") && frame.getClassName().equals("org.glassfish.tyrus.core.Utils"));
    }

    /** By name: Grizzly's classes are the container's, not visible to the application. */
    private static boolean isBrokenBody(LogRecord record) {
        Throwable thrown = record.getThrown();
        return thrown != null && thrown.getClass().getName().equals("org.glassfish.grizzly.http.HttpBrokenContentException");
    }

    /** The host logs through Catalina's logger, which writes the stack trace into the message. */
    private static boolean isErrorPageToGoneClient(LogRecord record) {
        String message = record.getMessage();
        return message != null && message.contains("Exception processing ErrorPage") && RequestsPerAddress.isGoneClient(message);
    }

    private static boolean isAsyncRequestWarning(LogRecord record) {
        String message = record.getMessage();
        return message != null && message.length() >= 11 && WELD_ASYNC_WARNINGS.contains(message.substring(0, 11));
    }
}
