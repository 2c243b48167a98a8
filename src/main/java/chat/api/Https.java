package chat.api;

import jakarta.servlet.http.HttpServletRequest;

import java.util.List;

/** Whether the browser reached us over HTTPS: directly, or through a TLS-terminating proxy. */
public final class Https {

    /**
     * HTTPS directly or as any proxy says ({@code X-Forwarded-Proto}): good enough for choices that
     * only harm the one who lies (cookie flags, the page's own origin).
     */
    public static boolean requested(HttpServletRequest request) {
        return request.isSecure() || forwardedHttps(request);
    }

    /** HTTPS directly or as a trusted proxy says: for HSTS, which a liar could pin on others' browsers. */
    public static boolean proven(HttpServletRequest request, List<String> trustedProxies) {
        return request.isSecure() || (trustedProxies.contains(request.getRemoteAddr()) && forwardedHttps(request));
    }

    private static boolean forwardedHttps(HttpServletRequest request) {
        String forwarded = request.getHeader("X-Forwarded-Proto");
        return forwarded != null && forwarded.split(",")[0].trim().equalsIgnoreCase("https");
    }

    private Https() {
    }
}
