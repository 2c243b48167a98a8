package chat.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalChatTest {

    @Test
    void aNodeThatIsNotReadySaysWhatItWaitsFor() {
        assertEquals("redis: no answer: ConnectException; relay: message log cannot be read",
                LocalChat.waitingFor("503 {\"status\":\"DOWN\",\"checks\":[{\"name\":\"node\",\"status\":\"UP\",\"data\":{\"detail\":\"up\"}},"
                        + "{\"name\":\"redis\",\"status\":\"DOWN\",\"data\":{\"detail\":\"no answer\",\"cause\":\"ConnectException\"}},"
                        + "{\"name\":\"relay\",\"status\":\"DOWN\",\"data\":{\"detail\":\"message log cannot be read\"}}]}"));
        assertEquals("its HTTP port is not open yet", LocalChat.waitingFor(LocalChat.NO_ANSWER));
        assertEquals("502 <html>", LocalChat.waitingFor("502 <html>"), "not the node's own answer: as it came");
    }
}
