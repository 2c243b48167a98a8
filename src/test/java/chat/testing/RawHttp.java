package chat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Requests the JDK's client will not send (a path such as {@code /%zz}, a WebSocket frame that
 * never ends), written to the socket as they are.
 */
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

    /** A WebSocket handshake to {@code /ws} plus {@code query} exactly as given (the JDK's client would encode it); the answer's status line. */
    public static String handshakeStatus(ChatNode node, String cookieHeader, String query) throws IOException {
        return handshakeStatus(node, cookieHeader, query, "");
    }

    /** The same with a body ({@code Content-Length} and its bytes), which no WebSocket client sends. */
    public static String handshakeStatus(ChatNode node, String cookieHeader, String query, String body) throws IOException {
        URI base = URI.create(node.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            String length = body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n";
            socket.getOutputStream().write(("GET /ws" + query + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nOrigin: " + node.origin()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nCookie: " + cookieHeader + "\r\n" + length + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            String head = head(socket.getInputStream());
            return head.lines().findFirst().orElse("");
        }
    }

    /**
     * Opens a WebSocket with the session's cookie, announces a text frame of {@code announced}
     * bytes and sends {@code sent} of them, then waits (20 s at most) for the node to close the
     * socket: the code of its close frame, or -1 for a connection closed without one.
     *
     * @throws java.net.SocketTimeoutException when the node waits for the rest of the frame
     */
    public static int closeCodeForAnUnfinishedFrame(ChatNode node, String cookieHeader, long announced, int sent) throws IOException {
        URI base = URI.create(node.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nOrigin: " + node.origin()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nCookie: " + cookieHeader + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = head(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("No WebSocket: " + head);
            }
            byte[] frameHead = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}; // text, masked, 64-bit length
            for (int i = 0; i < 8; i++) {
                frameHead[2 + i] = (byte) (announced >>> (56 - 8 * i));
            }
            try {
                out.write(frameHead);
                byte[] part = new byte[64 * 1024];
                for (int written = 0; written < sent; written += part.length) {
                    out.write(part, 0, Math.min(part.length, sent - written));
                }
            } catch (IOException closedWhileSending) {
                // the node closed the connection while the client was still sending: its close frame may be there to read
            }
            return closeCode(in);
        }
    }

    /** An answer's head, read byte by byte so that nothing after it is taken. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Reads the server's frames (unmasked) until its close frame: its code, or -1 for none. */
    private static int closeCode(InputStream in) throws IOException {
        while (true) {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                return -1;
            }
            long length = second & 0x7f;
            if (length >= 126) {
                int bytes = length == 126 ? 2 : 8;
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if ((first & 0x0f) == 8) {
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
            }
        }
    }

    private RawHttp() {
    }
}
