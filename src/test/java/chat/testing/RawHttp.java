package chat.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Requests the JDK's client will not send (a path such as {@code /%zz}), written to the socket as they are. */
public final class RawHttp {

    /** GETs the path exactly as given, with {@code Connection: close}; the whole answer, head and body. */
    public static String get(ChatNode node, String path) throws IOException {
        URI base = URI.create(node.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }
}
