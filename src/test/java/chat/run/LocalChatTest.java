package chat.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    /** Found from outside: with a bad setting the run command said only "not ready: 500" for five minutes. */
    @Test
    void settingsTheNodeRefusedAreFoundInPayarasLog(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("payara.log");
        assertEquals(Optional.empty(), LocalChat.settingsRefused(log), "no log yet");
        Files.writeString(log, "[2026-12-07T19:03:01.255+0000] [] [INFO] [] [chat.node] starting\n\n"
                + "[2026-12-07T19:03:01.255+0000] [] [SEVERE] [] [chat.config.SettingsSource] [tid: _ThreadID=1] "
                + "Invalid settings: CHAT_DEMO_DATA must be true or false, not \"maybe\"\n");
        assertEquals(Optional.of("Invalid settings: CHAT_DEMO_DATA must be true or false, not \"maybe\""), LocalChat.settingsRefused(log));
    }
}
