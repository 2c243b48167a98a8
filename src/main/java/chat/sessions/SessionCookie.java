package chat.sessions;

import chat.api.Https;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;

/**
 * The session cookie: HttpOnly, SameSite=Lax, and over HTTPS Secure with the {@code __Host-}
 * prefix (bound to this host and path /). HTTPS is recognised directly or from a proxy's
 * {@code X-Forwarded-Proto}.
 */
public final class SessionCookie {

    static final String PLAIN_NAME = "chat_session";
    static final String SECURE_NAME = "__Host-chat_session";

    /**
     * The session token of the cookie this scheme sets: over HTTPS only the {@code __Host-} one. A
     * plain {@code chat_session} can be planted by a sibling subdomain ({@code Domain=.example.com}) or
     * over plain HTTP, and honouring it there would log a browser in as the planter (cookie tossing).
     */
    public static String tokenFrom(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String name = Https.requested(request) ? SECURE_NAME : PLAIN_NAME;
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    public static String set(String token, Duration maxAge, boolean secure) {
        return (secure ? SECURE_NAME : PLAIN_NAME) + "=" + token + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    public static String clear(boolean secure) {
        return (secure ? SECURE_NAME : PLAIN_NAME) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    private SessionCookie() {
    }
}
