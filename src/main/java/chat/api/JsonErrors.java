package chat.api;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Writes {@code {"message": ...}} with a status from servlet code (filters, the error page), like the API's mappers do. */
public final class JsonErrors {

    private static final JsonProvider JSON = JsonProvider.provider();

    public static void write(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(JSON.createObjectBuilder().add("message", message).build().toString());
    }

    private JsonErrors() {
    }
}
