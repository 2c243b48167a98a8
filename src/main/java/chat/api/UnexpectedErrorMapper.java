package chat.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.redisson.client.RedisException;
import org.redisson.client.RedisOutOfMemoryException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything that is not a {@link ChatError}: JAX-RS's own refusals keep their status, a Redis
 * outage becomes 503, anything else 500; never a stack trace or a class name in the body.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    /**
     * A Redis outage's 503 says when to ask again: Redisson fails a command within 3 s and
     * reconnects on its own, and a command that merely timed out (a node swamped by a reconnect
     * storm) succeeds on the next try; a client that waits a second comes back to a fresh answer.
     */
    public static final int OUTAGE_RETRY_AFTER_SECONDS = 1;

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return json(status, status == 404 ? "Not found" : status == 405 ? "Method not allowed"
                    : status == 415 ? "Unsupported media type" : status == 406 ? "Not acceptable" : "Request refused");
        }
        // Out of memory first (a Redis refusal before the write: nothing changed), then Redis: a lost
        // Redis connection also carries an IOException among its causes.
        if (isOutOfMemory(error)) {
            LOG.warning(() -> "Redis is out of memory: " + error);
            return json(507, "The chat store is full; nothing was changed");
        }
        if (isRedisOutage(error)) {
            LOG.warning(() -> "Redis unavailable: " + error);
            return ChatErrorMapper.of(ChatError.unavailable("The chat store is unavailable, try again shortly", OUTAGE_RETRY_AFTER_SECONDS));
        }
        if (isClientGone(error)) {
            // The client left mid-request: nobody reads this answer, and it is no fault of ours.
            LOG.fine(() -> "Client went away mid-request: " + error);
            return json(400, "Request not completed");
        }
        LOG.log(Level.SEVERE, "Unexpected error", error);
        return json(500, "Internal error");
    }

    private static boolean isClientGone(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    public static boolean isRedisOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RedisException || t.getClass().getName().startsWith("org.redisson")) {
                return true;
            }
        }
        return false;
    }

    /** Redis refused a write at its {@code maxmemory} (before the write: nothing of it was done). */
    public static boolean isOutOfMemory(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RedisOutOfMemoryException || (t instanceof RedisException && t.getMessage() != null
                    && t.getMessage().contains("OOM command not allowed"))) {
                return true;
            }
        }
        return false;
    }

    private static Response json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(message)).build();
    }
}
