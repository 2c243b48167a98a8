package chat.sessions;

import chat.api.ChatError;
import chat.api.CurrentRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/** Who is making the current HTTP request, from the session cookie; looked up once per request. */
@RequestScoped
public class Caller {

    @Inject
    CurrentRequest request;

    @Inject
    Sessions sessions;

    private Optional<LoginSession> session;
    private HttpServletRequest lookedUpFor;

    public Optional<LoginSession> session() {
        HttpServletRequest current = request.get();
        // Keyed by the request too: an async dispatch may find a request context another request left behind.
        if (session == null || current != lookedUpFor) {
            session = sessions.find(SessionCookie.tokensFrom(current));
            lookedUpFor = current;
        }
        return session;
    }

    /** The logged-in user's id; 401 without a live session. */
    public String userId() {
        return session().orElseThrow(ChatError::unauthorized).userId();
    }
}
