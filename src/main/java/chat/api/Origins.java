package chat.api;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** Whether a browser's {@code Origin} is the page's own (scheme, host and port of this request) or an allowed one. */
public final class Origins {

    public static boolean isAllowed(String origin, HttpServletRequest request, List<String> allowedOrigins) {
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        String host = request.getHeader("Host");
        if (host != null && normalized.equals(normalize((Https.requested(request) ? "https" : "http") + "://" + host))) {
            return true;
        }
        return allowedOrigins.stream().map(Origins::normalize).anyMatch(normalized::equals);
    }

    /** scheme://host[:port] in lower case, default ports dropped; null when it is not an origin. */
    public static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Origins() {
    }
}
