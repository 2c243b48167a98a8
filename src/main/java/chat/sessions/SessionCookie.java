package chat.sessions;

import chat.api.Https;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The session cookie: HttpOnly, SameSite=Lax, and over HTTPS Secure with the {@code __Host-}
 * prefix (bound to this host and path /). HTTPS is recognised directly or from a proxy's
 * {@code X-Forwarded-Proto}.
 */
public final class SessionCookie {

    static final String PLAIN_NAME = "chat_session";
    static final String SECURE_NAME = "__Host-chat_session";

    /**
     * The session tokens of the cookies this scheme sets, in the order the browser sent them: over
     * HTTPS only the {@code __Host-} one. A plain {@code chat_session} can be planted by a sibling
     * subdomain ({@code Domain=.example.com}) or over plain HTTP, and honouring it there would log a
     * browser in as the planter (cookie tossing). Over plain HTTP a page on another port of the same
     * host can still plant one with a longer path, which the browser sends first: hence all of them,
     * for {@link Sessions#find(List)} to weigh.
     */
    public static List<String> tokensFrom(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return List.of();
        }
        String name = Https.requested(request) ? SECURE_NAME : PLAIN_NAME;
        return Arrays.stream(cookies).filter(cookie -> name.equals(cookie.getName())).map(Cookie::getValue).toList();
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
