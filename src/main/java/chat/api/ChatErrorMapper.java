package chat.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class ChatErrorMapper implements ExceptionMapper<ChatError> {

    @Override
    public Response toResponse(ChatError error) {
        return of(error);
    }

    /** The answer for a refusal of ours: its status, its message and, when it says when to come back, {@code Retry-After}. */
    static Response of(ChatError error) {
        Response.ResponseBuilder response = Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(error.getMessage()));
        if (error.retryAfterSeconds() > 0) {
            response.header("Retry-After", error.retryAfterSeconds());
        }
        return response.build();
    }
}
