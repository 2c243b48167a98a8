package chat.realtime.relay;

import chat.operations.Metrics;
import chat.testing.Scrape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayHealthTest {

    private final Metrics metrics = new Metrics();
    private final RelayHealth health = new RelayHealth();

    RelayHealthTest() {
        health.metrics = metrics;
    }

    @Test
    void listensOnceSubscribedAndNotWhileAConnectionMayHaveTakenTheSubscription() {
        assertFalse(health.isListening(), "not before the first subscription");
        health.subscribed();
        assertTrue(health.isListening());
        assertEquals(0, events("subscription_lost"), "the first subscription is no renewal");

        long probeBefore = System.nanoTime();
        health.mayBeDeaf("a connection to Redis closed");
        assertFalse(health.isListening());
        health.heardProbeSentAt(probeBefore);
        assertFalse(health.isListening(), "a probe sent before the loss proves nothing");
        health.heardProbeSentAt(System.nanoTime());
        assertTrue(health.isListening(), "a probe sent after it came back");
        assertEquals(0, events("subscription_lost"), "a closed pool connection is no loss");
    }

    @Test
    void aReSubscriptionIsOneLossAndOneRenewal() {
        health.subscribed();
        health.mayBeDeaf("a connection to Redis closed");
        health.mayBeDeaf("another one");
        health.subscribed();
        assertTrue(health.isListening());
        assertEquals(1, events("subscription_lost"));
        assertEquals(1, events("subscription_restored"));

        health.lost("two probes unheard");
        assertFalse(health.isListening());
        health.subscribed();
        assertEquals(2, events("subscription_lost"));
        assertEquals(2, events("subscription_restored"));
    }

    @Test
    void notListeningWhileRepairingAndGapsAreCounted() {
        health.subscribed();
        health.repairStarted();
        assertFalse(health.isListening());
        assertEquals("repairing what it missed", health.detail());
        health.repairFinished(3);
        assertTrue(health.isListening());
        assertEquals(1, events("gap_repaired"));
        assertEquals(3, Scrape.of(metrics.prometheus()).value("chat_relay_messages_repaired_total"));
        health.repairStarted();
        health.repairFinished(0);
        assertEquals(1, events("gap_repaired"), "a repair that found nothing is no gap");
    }

    private double events(String event) {
        return Scrape.of(metrics.prometheus()).value("chat_relay_events_total{event=\"" + event + "\"}");
    }
}
