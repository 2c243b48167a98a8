package chat.node;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /health} (both) in MicroProfile
 * Health's JSON shape: 200 when every check is UP, 503 otherwise. Served by the WAR itself so
 * it works the same on every server (see docs/OPERATIONS.md for Payara's own endpoint).
 */
@WebServlet(urlPatterns = {"/health", "/health/*"})
public class HealthServlet extends HttpServlet {

    @Inject
    NodeHealth health;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        List<NodeHealth.Check> checks = new ArrayList<>();
        switch (path) {
            case "/live" -> checks.add(health.live());
            case "/ready" -> {
                checks.add(health.redis());
                checks.add(health.relay());
            }
            case "", "/" -> {
                checks.add(health.live());
                checks.add(health.redis());
                checks.add(health.relay());
            }
            default -> {
                response.sendError(404);
                return;
            }
        }
        boolean up = checks.stream().allMatch(NodeHealth.Check::up);
        JsonArrayBuilder array = Json.createArrayBuilder();
        checks.forEach(c -> array.add(Json.createObjectBuilder().add("name", c.name()).add("status", c.up() ? "UP" : "DOWN")
                .add("data", Json.createObjectBuilder().add("detail", c.detail()))));
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("checks", array)
                .build().toString());
    }
}
