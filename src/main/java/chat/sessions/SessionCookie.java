package chat.sessions;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;
import java.util.List;

/**
 * The session cookie: HttpOnly, SameSite=Lax, and over HTTPS Secure with the {@code __Host-}
 * prefix (bound to this host and path /). HTTPS is recognised directly or from a proxy's
 * {@code X-Forwarded-Proto}.
 */
public final class SessionCookie {

    static final String PLAIN_NAME = "chat_session";
    static final String SECURE_NAME = "__Host-chat_session";

    public static String tokenFrom(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (String name : List.of(SECURE_NAME, PLAIN_NAME)) {
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName())) {
                    return cookie.getValue();
                }
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
