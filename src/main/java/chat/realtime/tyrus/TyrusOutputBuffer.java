package chat.realtime.tyrus;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives a WebSocket handshake's response on Payara Grizzly's smallest output buffer, 512 bytes
 * instead of the 8 KiB that Payara gives every response, before the upgrade commits it.
 *
 * <p>Tyrus writes a socket's frames through the stream of the response that upgraded it, and
 * Grizzly copies each write that fits its buffer size into a fresh buffer of that size, taken from
 * a pool only on Grizzly's own worker threads. Our writer lanes are not those, so every frame of a
 * few hundred bytes cost a new 8 KiB array: 256 MB of garbage a second at 30,000 deliveries a
 * second and a young collection every 0.6 s (issue 16's profile of 4 December 2026). With 512
 * bytes a small frame costs a 512-byte copy and a larger one is written from its own array. The
 * servlet API cannot ask for less than the default ({@code setBufferSize} only grows it), so the
 * buffer is reached through the servlet response's facade (a protected field), then public
 * methods of Catalina's and Grizzly's responses. Elsewhere (another runtime) it does nothing.
 */
final class TyrusOutputBuffer {

    private static final Logger LOG = Logger.getLogger(TyrusOutputBuffer.class.getName());

    /** Grizzly's least ({@code OutputBuffer.MIN_BUFFER_SIZE}): a larger value would only be raised to it. */
    static final int SIZE = 512;

    private static volatile Access access;

    private TyrusOutputBuffer() {
    }

    /** Shrinks the response's output buffer, if it is Payara's and not committed yet. */
    static void shrink(ServletResponse response) {
        while (response instanceof ServletResponseWrapper wrapper) {
            response = wrapper.getResponse();
        }
        Access a = access;
        if (a == null || a.facadeType != response.getClass()) {
            a = Access.of(response.getClass()); // found once per runtime, absent or not
            access = a;
        }
        if (a.catalinaResponse == null) {
            return;
        }
        try {
            Object grizzlyResponse = a.coyoteResponse.invoke(a.catalinaResponse.get(response));
            Object buffer = a.outputBuffer.invoke(grizzlyResponse);
            a.setBufferSize.invoke(buffer, SIZE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "The socket keeps its response's output buffer", e);
        }
    }

    /** How to reach the output buffer behind one class of response facade (null fields: not there). */
    private record Access(Class<?> facadeType, Field catalinaResponse, Method coyoteResponse, Method outputBuffer,
                          Method setBufferSize) {

        static Access of(Class<?> facadeType) {
            if (facadeType.getName().equals("org.apache.catalina.connector.ResponseFacade")) {
                try {
                    Field field = facadeType.getDeclaredField("response");
                    field.setAccessible(true);
                    Method coyote = field.getType().getMethod("getCoyoteResponse");
                    Method buffer = coyote.getReturnType().getMethod("getOutputBuffer");
                    Method size = buffer.getReturnType().getMethod("setBufferSize", int.class);
                    LOG.info("Payara's WebSocket output buffer: workaround ACTIVE: a socket's frames are copied into "
                            + SIZE + " bytes, not a fresh 8 KiB each");
                    return new Access(facadeType, field, coyote, buffer, size);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.FINE, "No output buffer to shrink", e);
                }
            }
            LOG.info("Payara's WebSocket output buffer: workaround INACTIVE: " + facadeType.getName()
                    + " is not a Payara response this version knows");
            return new Access(facadeType, null, null, null, null);
        }
    }
}
