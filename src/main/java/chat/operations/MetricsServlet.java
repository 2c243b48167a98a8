package chat.operations;

import chat.api.JsonErrors;
import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code /metrics}: this node's counters in Prometheus text format, for a scraper holding
 * {@code CHAT_METRICS_TOKEN} as a Bearer token; off (404) while no token is set, since the
 * counters tell an attacker how the node and its throttles are doing.
 */
@WebServlet(urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {

    @Inject
    Metrics metrics;

    @Inject
    Settings settings;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> token = settings.metricsToken();
        if (token.isEmpty()) {
            JsonErrors.write(response, 404, "Not found");
            return;
        }
        if (!bearerMatches(request.getHeader("Authorization"), token.get())) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            JsonErrors.write(response, 401, "A metrics token is required");
            return;
        }
        response.setContentType("text/plain; version=0.0.4");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(metrics.prometheus());
    }

    static boolean bearerMatches(String authorization, String token) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
