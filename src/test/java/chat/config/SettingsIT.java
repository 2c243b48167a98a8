package chat.config;

import chat.testing.Await;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad setting stops the deployment at start, with its name in the log, instead of failing requests later. */
class SettingsIT {

    @Test
    void aBadSettingFailsTheDeploymentAndNamesTheVariable() {
        String nowhere = "redis://127.0.0.1:" + Ports.free(); // never asked: the settings fail first
        try (PayaraNode node = PayaraNode.launch("bad-settings", nowhere, Map.of("CHAT_MESSAGES_PER_SECOND", "fast",
                "CHAT_MAX_MESAGE_LENGTH", "10"))) {
            Await.until("Payara Micro has finished starting (log: " + node.log() + ")", Duration.ofSeconds(180),
                    () -> node.logLines("Payara Micro") > 0 && node.logLines(" ready in ") > 0);
            assertTrue(node.logLines("Invalid settings: CHAT_MESSAGES_PER_SECOND must be a number greater than 0, not \"fast\"") > 0,
                    "the log names the variable: " + node.log());
            assertTrue(node.logLines("CHAT_MAX_MESAGE_LENGTH is no setting: did you mean CHAT_MAX_MESSAGE_LENGTH?") > 0,
                    "and the setting a misspelt name was meant to be: " + node.log());
            assertNotEquals(200, node.status("/api/randomname"), "the chat is not served");
            assertNotEquals(200, node.status("/health/live"), "nor its health");
        }
    }
}
