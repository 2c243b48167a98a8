package chat.directory.boundary;

import chat.api.ChatError;
import chat.api.QueryNumber;
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
        return directory.search(prefix, after == null || after.isEmpty() ? null : after, QueryNumber.parse("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
    }
}
