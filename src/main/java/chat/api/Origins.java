package chat.api;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a browser's {@code Origin} is the page's own (scheme, host and port of this request) under
 * a host name the chat knows, or an allowed one. The page's own origin alone is not enough: a page
 * of an attacker's domain whose DNS the attacker points at the chat afterwards (DNS rebinding) is
 * "own" by that test, and from a browser inside the network could register, post and read.
 */
public final class Origins {

    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-fA-F:.]+]");

    public static boolean isAllowed(String origin, HttpServletRequest request, List<String> allowedOrigins, List<String> hosts) {
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        if (isOwn(normalized, request) && isKnownHost(request, hosts)) {
            return true;
        }
        return allowedOrigins.stream().map(Origins::normalize).anyMatch(normalized::equals);
    }

    /** The page's own origin under a name the chat was not told of: a DNS rebinding, or a name missing from {@code CHAT_HOSTS}. */
    public static boolean isOwnUnderUnknownName(String origin, HttpServletRequest request, List<String> hosts) {
        String normalized = normalize(origin);
        return normalized != null && isOwn(normalized, request) && !isKnownHost(request, hosts);
    }

    /** The request names localhost, an IP address or one of the given host names: names no one else's DNS answers for us. */
    public static boolean isKnownHost(HttpServletRequest request, List<String> hosts) {
        String name = hostName(request.getHeader("Host"));
        return name != null && (name.equals("localhost") || name.endsWith(".localhost") || IP_ADDRESS.matcher(name).matches()
                || hosts.contains(name));
    }

    /** The Host header's name, lower-cased, without its port. */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int portColon = host.lastIndexOf(':');
        if (portColon > host.lastIndexOf(']')) {
            host = host.substring(0, portColon);
        }
        return host;
    }

    private static boolean isOwn(String normalizedOrigin, HttpServletRequest request) {
        String host = request.getHeader("Host");
        return host != null && normalizedOrigin.equals(normalize((Https.requested(request) ? "https" : "http") + "://" + host));
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
