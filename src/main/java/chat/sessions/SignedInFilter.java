package chat.sessions;

import chat.api.ChatError;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/** Refuses {@link SignedIn} requests without a live session before the resource runs. */
@Provider
@SignedIn
@Priority(Priorities.AUTHENTICATION)
public class SignedInFilter implements ContainerRequestFilter {

    @Inject
    Caller caller;

    @Override
    public void filter(ContainerRequestContext request) {
        if (caller.session().isEmpty()) {
            throw ChatError.unauthorized();
        }
    }
}
