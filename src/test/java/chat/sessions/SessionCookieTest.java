package chat.sessions;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionCookieTest {

    @Test
    void plainHttpCookieIsHttpOnlyAndLax() {
        assertEquals("chat_session=t; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax",
                SessionCookie.set("t", Duration.ofDays(7), false));
    }

    @Test
    void httpsCookieIsSecureWithTheHostPrefix() {
        assertEquals("__Host-chat_session=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
                SessionCookie.set("t", Duration.ofMinutes(1), true));
    }

    @Test
    void readsTheTokenFromARawCookieHeader() {
        assertEquals("abc", SessionCookie.tokenFromHeader(List.of("other=1; chat_session=abc")));
        assertEquals("sec", SessionCookie.tokenFromHeader(List.of("chat_session=abc; __Host-chat_session=sec")));
        assertNull(SessionCookie.tokenFromHeader(List.of("other=1")));
        assertNull(SessionCookie.tokenFromHeader(null));
    }

    @Test
    void redisKeepsOnlyAHashOfTheToken() {
        String key = Sessions.keyOf("token");
        assertEquals(64, key.length());
        assertEquals(key, Sessions.keyOf("token"));
    }
}
