package chat.operations;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code /openapi}: the hand-written OpenAPI document of the HTTP API (YAML; {@code ?format=json}
 * is not offered). Hand-written because the API reads raw JSON bodies for strict validation,
 * which annotation scanning would describe as "a string".
 */
@WebServlet(urlPatterns = "/openapi")
public class OpenApiServlet extends HttpServlet {

    static final String DOCUMENT = "/META-INF/openapi.yaml";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try (InputStream in = OpenApiServlet.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                response.sendError(404);
                return;
            }
            response.setContentType("application/yaml");
            response.setCharacterEncoding("UTF-8");
            in.transferTo(response.getOutputStream());
        }
    }
}
