package chat.users.boundary;

import chat.api.ChatError;
import chat.sessions.SignedIn;
import chat.users.control.Users;
import chat.users.entity.UserStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

@Path("users")
@Produces(MediaType.APPLICATION_JSON)
@SignedIn
public class UsersResource {

    private static final int MAX_IDS = 1000;

    @Inject
    Users users;

    /** {@code {"<id>": {id, username, online}}} for the users asked for that exist. */
    @GET
    public Map<String, UserStatus> byIds(@QueryParam("ids") List<String> ids) {
        if (ids.size() > MAX_IDS) {
            throw ChatError.badRequest("At most " + MAX_IDS + " ids at once");
        }
        for (String id : ids) {
            if (!Users.isId(id)) {
                throw ChatError.badRequest("'ids' must be user ids");
            }
        }
        return users.statuses(ids);
    }

    @GET
    @Path("online")
    public Map<String, UserStatus> online() {
        return users.online();
    }
}
