package chat.node;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which raw paths Payara answers itself (each checked against Payara Micro 6.2025.10 by hand; SecurityIT sends some). */
class UndecodablePathsTest {

    @Test
    void pathsPayaraRefusesItself() {
        for (String path : List.of("/%zz", "/%", "/%2", "/api/%zz", "/api/room/%zz/messages", "/%C0%AF", "/%FF", "/%80",
                "/%E2%82", "/a%00b", "/a\0b", "/%5c", "/a\\b", "/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x",
                "/%2e%2e%2f%2e%2e/x", "/a/b/../../../x", "/\u00ff", "/\u00c0\u00af")) {
            assertTrue(UndecodablePaths.refusedByPayara(path), path);
        }
    }

    @Test
    void pathsPayaraPassesToTheApplication() {
        for (String path : List.of("/", "/index.html", "/api/me", "/api/room/1:2/messages", "/%C3%A9", "/\u00c3\u00a9", "/a%2Fb",
                "//x", "/./x", "/%2e/x", "/a/%2e%2e/b", "/a/..", "/;jsessionid=1", "/%3B", "*", "/%25zz")) {
            assertFalse(UndecodablePaths.refusedByPayara(path), path);
        }
    }
}
