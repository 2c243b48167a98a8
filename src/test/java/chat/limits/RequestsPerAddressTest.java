package chat.limits;

import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failed answers are a gone client's, ended quietly, and which are errors the container should still log. */
class RequestsPerAddressTest {

    @Test
    void writesToAClosedOrUnreadConnectionAreAGoneClients() {
        assertTrue(RequestsPerAddress.isGoneClient(new IOException("Connection is closed", new IOException("Locally closed"))));
        assertTrue(RequestsPerAddress.isGoneClient(new ServletException(new IOException("Broken pipe"))));
        assertTrue(RequestsPerAddress.isGoneClient(new IOException("Write timeout exceeded when trying to flush the data")));
    }

    @Test
    void otherFailuresAreNot() {
        assertFalse(RequestsPerAddress.isGoneClient(new IOException("No space left on device")));
        assertFalse(RequestsPerAddress.isGoneClient(new IllegalStateException("Connection is closed")));
        assertFalse(RequestsPerAddress.isGoneClient(new IOException((String) null)));
    }

    @Test
    void aStackTraceLoggedAsTextIsAGoneClientsWhenItsIOExceptionSaysSo() {
        assertTrue(RequestsPerAddress.isGoneClient("StandardHostValve@1: Exception processing ErrorPage[errorCode=0]\n"
                + "java.io.IOException: Connection is closed\n\tat org.glassfish.grizzly.nio.NIOConnection.assertOpen"));
        assertFalse(RequestsPerAddress.isGoneClient("Exception processing ErrorPage[errorCode=0]\n"
                + "java.lang.IllegalStateException: Connection is closed"));
    }
}
