package chat.directory.boundary;

import chat.api.ChatError;
import chat.directory.control.Directory;
import chat.directory.entity.DirectoryPage;
import chat.sessions.SignedIn;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/directory?q=&after=&limit=}: every user, by name prefix, a page at a time (docs/PROTOCOL.md, "Directory"). */
@Path("directory")
@SignedIn
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 50;
    static final int MAX_QUERY = 32;

    @Inject
    Directory directory;

    @GET
    public DirectoryPage search(@QueryParam("q") String query, @QueryParam("after") String after,
                                @QueryParam("limit") String limit) {
        String prefix = query == null ? "" : query.strip();
        if (prefix.codePointCount(0, prefix.length()) > MAX_QUERY) {
            throw ChatError.badRequest("'q' may have at most " + MAX_QUERY + " characters");
        }
        if (after != null && after.length() > 400) {
            throw ChatError.badRequest("'after' must be a cursor from a previous page");
        }
        return directory.search(prefix, after == null || after.isEmpty() ? null : after, limit(limit));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < 1 || value > MAX_LIMIT) {
                throw ChatError.badRequest("'limit' must be between 1 and " + MAX_LIMIT);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ChatError.badRequest("'limit' must be a whole number");
        }
    }
}
