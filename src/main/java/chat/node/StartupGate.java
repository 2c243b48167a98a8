package chat.node;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Answers {@code /api/*} and {@code /ws} with 503 and {@code Retry-After} until the node has
 * started (Redis reached, demo data written, relay joined and heard): a node that answered
 * earlier gave wrong answers, e.g. a login as the demo user Pablo registered a new Pablo because
 * the demo data came 1.5 s after the first answer. Static files are served meanwhile. Once
 * started the gate stays open to the API: later outages get their own answers (503 from the code
 * that meets them, {@code /health/ready} for load balancers). It closes to {@code /ws} again when
 * the node is stopping ({@link NodeLifecycle#isStopping()}): no socket opens there only to close a
 * moment later. Mapped in {@code web.xml}, so it runs before every annotated filter.
 */
public class StartupGate extends HttpFilter {

    static final String RETRY_AFTER_SECONDS = "2";

    @Inject
    NodeLifecycle lifecycle;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!lifecycle.hasStarted()) {
            refuse(response, "The chat is starting, try again shortly");
        } else if (lifecycle.isStopping() && request.getServletPath().equals("/ws")) {
            response.setHeader("Connection", "close"); // the next try may reach another node
            refuse(response, "This chat node is stopping, try again shortly");
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void refuse(HttpServletResponse response, String message) throws IOException {
        response.setStatus(503);
        response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"message\":\"" + message + "\"}");
    }
}
