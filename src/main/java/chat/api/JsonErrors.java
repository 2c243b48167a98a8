package chat.api;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes {@code {"message": ...}} with a status from servlet code (filters, the error page), like the API's mappers do. */
public final class JsonErrors {

    private static final JsonProvider JSON = JsonProvider.provider();

    public static void write(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        // Bytes, not the writer: the writer's char buffers stay with the response when Payara pools it, and a
        // WebSocket handshake that reuses it keeps them for the socket's life (a storm's refusals made every
        // later socket some KiB heavier).
        String json = JSON.createObjectBuilder().add("message", message).build().toString();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IllegalStateException writerTaken) { // something before us wrote through the writer
            response.getWriter().write(json);
        }
    }

    private JsonErrors() {
    }
}
