package chat.sessions;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void redisKeepsOnlyAHashOfTheToken() {
        String key = Sessions.keyOf("token");
        assertEquals(64, key.length());
        assertEquals(key, Sessions.keyOf("token"));
    }
}
