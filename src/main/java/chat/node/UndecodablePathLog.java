package chat.node;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.util.Arrays;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Payara answers a request whose path cannot be decoded ({@code GET /%zz}) itself, before any
 * filter or error page of ours (docs/SECURITY.md), and logs each one at SEVERE with a stack trace
 * of some forty lines: anyone could flood the log with them. A client's malformed request is no
 * server error, so while the application runs those records of the container's logger are
 * dropped and one FINE line of ours is written instead; every other record passes as before.
 */
@ApplicationScoped
public class UndecodablePathLog {

    private static final Logger LOG = Logger.getLogger(UndecodablePathLog.class.getName());
    /** Payara's web container logs there ({@code AS-WEB-CORE-00037}). */
    private static final String CONTAINER_LOGGER = "jakarta.enterprise.web.core";

    private Logger container; // held: a logger only weakly referenced may be collected with its filter
    private Filter previous;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        container = Logger.getLogger(CONTAINER_LOGGER);
        previous = container.getFilter();
        Filter before = previous;
        container.setFilter(record -> {
            if (isUndecodablePath(record)) {
                LOG.fine(() -> "Refused a request whose path cannot be decoded: " + record.getThrown().getMessage());
                return false;
            }
            return before == null || before.isLoggable(record);
        });
    }

    /** Gives the container its logger back: a filter of ours would keep this application's classes after undeployment. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        if (container != null) {
            container.setFilter(previous);
        }
    }

    private static boolean isUndecodablePath(LogRecord record) {
        Throwable thrown = record.getThrown();
        return thrown instanceof IllegalArgumentException && Arrays.stream(thrown.getStackTrace())
                .anyMatch(frame -> frame.getClassName().endsWith(".HttpRequestURIDecoder"));
    }
}
