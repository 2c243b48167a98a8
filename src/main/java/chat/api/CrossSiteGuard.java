package chat.api;

import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * CSRF defence for every state-changing API call (login and logout included), endpoints added
 * later too (mapped to {@code /api/*} in web.xml): a browser on another origin, even a sibling
 * on the same site (another port or subdomain), is refused (403) by its {@code Origin} or
 * {@code Sec-Fetch-Site}; and only {@code application/json} bodies are accepted (415; UTF-8 only), which no
 * HTML form can send and no cross-origin script can send without a CORS preflight we never grant
 * (a DELETE may come without any body).
 * A browser's own page counts only under a host name the chat knows ({@link Origins}: DNS rebinding).
 * Clients that are no browser send neither header and are judged by their session alone.
 */
public class CrossSiteGuard extends HttpFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> OWN_FETCH_SITES = Set.of("same-origin", "none");
    static final String UNKNOWN_NAME = "This chat does not answer to this host name (a defence against DNS rebinding): "
            + "its operator lists the names it is reached by in CHAT_HOSTS";

    @Inject
    Settings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!SAFE_METHODS.contains(request.getMethod())) {
            if (!fromOwnPage(request)) {
                String origin = request.getHeader("Origin");
                JsonErrors.write(response, 403, origin != null && Origins.isOwnUnderUnknownName(origin, request, settings.hosts())
                        ? UNKNOWN_NAME : "Cross-site request refused");
                return;
            }
            if (!isJson(request.getContentType()) && !isBodilessDelete(request)) {
                JsonErrors.write(response, 415, "Send the request as application/json in UTF-8");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private boolean fromOwnPage(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return Origins.isAllowed(origin, request, settings.allowedOrigins(), settings.hosts());
        }
        String site = request.getHeader("Sec-Fetch-Site");
        return site == null || OWN_FETCH_SITES.contains(site.toLowerCase(Locale.ROOT)) && Origins.isKnownHost(request, settings.hosts());
    }

    /** No form sends DELETE, and no other origin may without a preflight we never grant: it needs no body. */
    private static boolean isBodilessDelete(HttpServletRequest request) {
        return "DELETE".equals(request.getMethod()) && request.getContentLengthLong() <= 0
                && request.getHeader("Transfer-Encoding") == null && request.getContentType() == null;
    }

    /**
     * {@code application/json}, with no charset or UTF-8's (RFC 8259: JSON between systems is UTF-8).
     * Any other charset is refused here: the API would be handed a name it may not know (an unknown
     * one made the body's decoding throw, a 500 and a stack trace in the log for anyone who asked).
     */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")
                    && (parameter.length < 2 || !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
                return false;
            }
        }
        return true;
    }
}
