package chat.limits;

import chat.api.ChatError;
import chat.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A node's turns for history reads: as many as the setting, then 503 with Retry-After, and a closed turn lets the next in. */
class HistoryReadsTest {

    @Test
    void beyondItsTurnsAReadIsRefusedUntilOneEnds() {
        HistoryReads reads = new HistoryReads();
        reads.settings = Settings.of(Map.of("CHAT_HISTORY_READS_AT_ONCE", "2"));
        reads.start();
        HistoryReads.Turn first = reads.take();
        try (HistoryReads.Turn second = reads.take()) {

            ChatError refused = assertThrows(ChatError.class, reads::take);

            assertEquals(503, refused.status());
            assertEquals(1, refused.retryAfterSeconds());
        }
        reads.take().close(); // the second's turn, given back
        first.close();
        try (HistoryReads.Turn a = reads.take(); HistoryReads.Turn b = reads.take()) { // both free again
            assertThrows(ChatError.class, reads::take, "and still no more than two");
        }
    }
}
