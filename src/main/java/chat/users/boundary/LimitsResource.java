package chat.users.boundary;

import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The configured limits a client checks before it sends anything, so that the page says "at least
 * 8 characters" before an account is asked for, and lets through the messages this node takes
 * (docs/PROTOCOL.md, "Limits"). The server checks them again; the fixed ones (a name's 32
 * characters, a password's 72 bytes) are not settings and are not here. Public: the login form
 * needs them.
 */
@Path("limits")
@Produces(MediaType.APPLICATION_JSON)
public class LimitsResource {

    /** What {@code GET /api/limits} answers. */
    public record ClientLimits(int minPasswordLength, int maxMessageLength) {
    }

    @Inject
    Settings settings;

    @GET
    public ClientLimits limits() {
        return new ClientLimits(settings.minPasswordLength(), settings.maxMessageLength());
    }
}
