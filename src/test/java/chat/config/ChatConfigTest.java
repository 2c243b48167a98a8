package chat.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatConfigTest {

    @Test
    void durationsAreIsoOrSeconds() {
        assertEquals(Duration.ofDays(7), ChatConfig.duration("P7D"));
        assertEquals(Duration.ofSeconds(90), ChatConfig.duration("90"));
        assertEquals(Duration.ofMinutes(30), ChatConfig.duration("PT30M"));
    }
}
