package chat.users.boundary;

import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The configured limits a client works with: those it checks before it sends anything, so that the
 * page says "at least 8 characters" before an account is asked for and lets through the messages
 * this node takes (docs/PROTOCOL.md, "Limits"; the server checks them again), and the most
 * messages a catch-up answer holds, below which an answer is the last one. The fixed ones (a
 * name's 32 characters, a password's 72 bytes) are not settings and are not here. Public: the
 * login form needs them.
 */
@Path("limits")
@Produces(MediaType.APPLICATION_JSON)
public class LimitsResource {

    /** What {@code GET /api/limits} answers. */
    public record ClientLimits(int minPasswordLength, int maxMessageLength, int catchUpLimit) {
    }

    @Inject
    Settings settings;

    @GET
    public ClientLimits limits() {
        return new ClientLimits(settings.minPasswordLength(), settings.maxMessageLength(), settings.catchUpLimit());
    }
}
