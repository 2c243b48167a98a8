package chat.sessions;

import chat.api.ChatError;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/** Who is making the current HTTP request, from the session cookie; looked up once per request. */
@RequestScoped
public class Caller {

    @Inject
    HttpServletRequest request;

    @Inject
    Sessions sessions;

    private Optional<LoginSession> session;

    public Optional<LoginSession> session() {
        if (session == null) {
            session = sessions.find(SessionCookie.tokenFrom(request));
        }
        return session;
    }

    /** The logged-in user's id; 401 without a live session. */
    public String userId() {
        return session().orElseThrow(ChatError::unauthorized).userId();
    }
}
