package chat.node;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
        boolean operator = fromThisMachineDirectly(request);
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (NodeHealth.Check c : checks) {
            JsonObjectBuilder data = Json.createObjectBuilder().add("detail", c.detail());
            if (c.cause() != null && operator) {
                data.add("cause", c.cause());
            }
            array.add(Json.createObjectBuilder().add("name", c.name()).add("status", c.up() ? "UP" : "DOWN").add("data", data));
        }
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("checks", array)
                .build().toString());
    }

    /**
     * Whether the caller is on this machine and talks to the node itself (the run command, the launch
     * script, an operator's curl), not through a proxy: only they are told why a check fails. The text
     * of Redisson's errors named the Redis's address and connection pool, and the shipped nginx passes
     * {@code /health} on to anyone (found from outside).
     */
    private static boolean fromThisMachineDirectly(HttpServletRequest request) {
        if (request.getHeader("X-Forwarded-For") != null || request.getHeader("Forwarded") != null) {
            return false;
        }
        try {
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress(); // a literal address: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
