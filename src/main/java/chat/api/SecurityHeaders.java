package chat.api;

import chat.config.Settings;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Headers that keep the page and the API from being abused by other sites: only our own
 * scripts, styles and connections (CSP), no framing, no MIME sniffing, no referrers leaking
 * room ids, no caching of API answers, and HSTS when the page came over HTTPS. Mapped in
 * web.xml for requests and error pages alike.
 */
public class SecurityHeaders extends HttpFilter {

    static final String HSTS = "max-age=31536000; includeSubDomains";

    @Inject
    Settings settings;

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        // A page on another port of the same host is same-site: the Lax session cookie goes with its no-cors loads.
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        if (Https.proven(request, settings.trustedProxies())) {
            response.setHeader("Strict-Transport-Security", HSTS);
        }
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            response.setHeader("Cache-Control", "no-store");
        } else {
            response.setHeader("Cache-Control", "no-cache"); // revalidate, so a redeploy's modules are picked up
        }
        chain.doFilter(request, response);
    }
}
