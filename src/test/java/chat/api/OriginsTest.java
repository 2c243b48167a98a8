package chat.api;

import org.junit.jupiter.api.Test;

import static chat.api.Origins.normalize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OriginsTest {

    @Test
    void originsCompareWithoutDefaultPortsOrCase() {
        assertEquals("http://example.com", normalize("HTTP://Example.com:80"));
        assertEquals("https://example.com", normalize("https://example.com:443"));
        assertEquals("http://localhost:8080", normalize("http://localhost:8080"));
    }

    @Test
    void aHostHeadersNameIsLowerCasedWithoutItsPort() {
        assertEquals("chat.example.com", Origins.hostName("Chat.Example.com:8080"));
        assertEquals("localhost", Origins.hostName("localhost"));
        assertEquals("[::1]", Origins.hostName("[::1]:8080"));
        assertEquals("[::1]", Origins.hostName("[::1]"));
        assertNull(Origins.hostName(" "));
    }

    @Test
    void nonsenseIsNoOrigin() {
        assertNull(normalize("null"));
        assertNull(normalize("file:///etc/passwd"));
        assertNull(normalize("::::"));
    }
}
