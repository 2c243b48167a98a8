package chat.operations;

import chat.testing.Scrape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTest {

    @Test
    void ratePerSecondIsTheMeanOfTheLastWholeSeconds() {
        RateWindow window = new RateWindow();
        long t = 1_000_000_000_000L; // a whole second
        window.add(30, t - 5_000);
        window.add(10, t - 1);
        window.add(99, t);                     // the current second is not counted yet
        window.add(7, t - 60_000);             // too old
        assertEquals(4.0, window.perSecond(t + 500), 1e-9);
        assertEquals(13.9, window.perSecond(t + 1000), 1e-9);
    }

    @Test
    void prometheusTextCountsAndCumulativeBuckets() {
        Metrics metrics = new Metrics();
        metrics.gauge("chat_sockets_connected", "open sockets", () -> 7);
        metrics.messageSent();
        metrics.messageDelivered(3);
        metrics.frameRejected(429);
        metrics.loginFailed("wrong_password");
        metrics.relayLag(2);      // 2 ms
        metrics.relayLag(700);    // 0.7 s
        metrics.timeRedis("store_message", () -> "stored");

        Scrape scrape = Scrape.of(metrics.prometheus());
        assertEquals(7, scrape.value("chat_sockets_connected"), "a gauge is read at the scrape");
        assertEquals(1, scrape.value("chat_messages_sent_total"));
        assertEquals(3, scrape.value("chat_messages_delivered_total"));
        assertEquals(1, scrape.value("chat_frames_rejected_total{status=\"429\"}"));
        assertEquals(0, scrape.value("chat_frames_rejected_total{status=\"400\"}"));
        assertEquals(1, scrape.value("chat_login_failures_total{reason=\"wrong_password\"}"));
        assertEquals(0, scrape.value("chat_relay_lag_seconds_bucket{le=\"0.001\"}"));
        assertEquals(1, scrape.value("chat_relay_lag_seconds_bucket{le=\"0.0025\"}"));
        assertEquals(1, scrape.value("chat_relay_lag_seconds_bucket{le=\"0.5\"}"));
        assertEquals(2, scrape.value("chat_relay_lag_seconds_bucket{le=\"1\"}"));
        assertEquals(2, scrape.value("chat_relay_lag_seconds_bucket{le=\"+Inf\"}"));
        assertEquals(2, scrape.value("chat_relay_lag_seconds_count"));
        assertEquals(0.702, scrape.value("chat_relay_lag_seconds_sum"), 1e-9);
        assertEquals(1, scrape.value("chat_redis_command_seconds_count{operation=\"store_message\"}"));
    }
}
