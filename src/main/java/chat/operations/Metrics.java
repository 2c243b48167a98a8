package chat.operations;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This node's operational counters, written by the code that sees each event and read in
 * Prometheus text format at {@code /metrics}. Plain Java, no metrics library: the WAR needs
 * nothing from the server, so the same numbers appear on Payara, WildFly and TomEE.
 * Rates ("messages per second") are the scraper's job: {@code rate(chat_messages_sent_total[1m])}.
 */
@ApplicationScoped
public class Metrics {

    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesDelivered = new LongAdder();
    private final RateWindow sentRate = new RateWindow();
    private final RateWindow deliveredRate = new RateWindow();
    private final Map<String, LongAdder> framesRejected = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> loginFailures = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> relayEvents = new ConcurrentSkipListMap<>();
    private final LongAdder messagesRepaired = new LongAdder();
    private final Map<String, LongAdder> socketsDropped = new ConcurrentSkipListMap<>();
    private final LatencyHistogram relayLag = new LatencyHistogram();
    private final Map<String, LatencyHistogram> redisLatency = new ConcurrentHashMap<>();
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

    public Metrics() {
        for (String status : new String[] {"400", "403", "429", "503"}) {
            framesRejected.put(status, new LongAdder());
        }
        loginFailures.put("wrong_password", new LongAdder());
        loginFailures.put("throttled", new LongAdder());
        for (String event : new String[] {"subscription_lost", "subscription_restored", "gap_repaired", "resync"}) {
            relayEvents.put(event, new LongAdder());
        }
        for (String reason : new String[] {"slow", "silent", "write_failed"}) {
            socketsDropped.put(reason, new LongAdder());
        }
    }

    /**
     * A value read at each scrape from the component that owns it (the hub's socket count, say),
     * so that metrics depend on no component and every component may count here.
     */
    public void gauge(String name, String help, LongSupplier value) {
        gauges.add(new Gauge(name, help, value));
    }

    /** A client's message was accepted and stored by this node. */
    public void messageSent() {
        messagesSent.increment();
        sentRate.add(1, System.currentTimeMillis());
    }

    /** A message event was queued for {@code sockets} sockets of this node. */
    public void messageDelivered(int sockets) {
        messagesDelivered.add(sockets);
        deliveredRate.add(sockets, System.currentTimeMillis());
    }

    /** A client frame was answered with an {@code error} frame; {@code status} is the HTTP-like reason (400, 403, 429). */
    public void frameRejected(int status) {
        framesRejected.computeIfAbsent(String.valueOf(status), s -> new LongAdder()).increment();
    }

    /** {@code reason}: {@code wrong_password} or {@code throttled}. */
    public void loginFailed(String reason) {
        loginFailures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /**
     * Something happened to the relay's subscription: {@code subscription_lost},
     * {@code subscription_restored}, {@code gap_repaired} or {@code resync} (see docs/RELIABILITY.md).
     */
    public void relayEvent(String event) {
        relayEvents.computeIfAbsent(event, e -> new LongAdder()).increment();
    }

    /** Messages the relay fetched from Redis because it had not heard them on pub/sub. */
    public void messagesRepaired(int count) {
        messagesRepaired.add(count);
    }

    /** The node dropped one of its sockets: {@code slow} (queue full), {@code silent} (no pong), {@code write_failed}. */
    public void socketDropped(String reason) {
        socketsDropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Time from another node's publish to this node's receipt of the envelope. */
    public void relayLag(long millis) {
        relayLag.record(Math.max(0, millis) * 1_000_000L);
    }

    /** Runs one Redis operation and records how long it took (also when it fails). */
    public <T> T timeRedis(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            redisTime(operation, System.nanoTime() - start);
        }
    }

    /** Records how long a call to Redis took that did not run on the caller's thread. */
    public void redisTime(String operation, long nanos) {
        redisLatency.computeIfAbsent(operation, o -> new LatencyHistogram()).record(nanos);
    }

    public void timeRedis(String operation, Runnable call) {
        timeRedis(operation, () -> {
            call.run();
            return null;
        });
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheus() {
        StringBuilder out = new StringBuilder(4096);
        gauges.forEach(g -> gauge(out, g.name(), g.help(), g.value().getAsLong()));
        counter(out, "chat_messages_sent_total", "Client messages accepted and stored by this node", messagesSent.sum());
        counter(out, "chat_messages_delivered_total", "Message events queued to sockets of this node (one per socket)",
                messagesDelivered.sum());
        long now = System.currentTimeMillis();
        gauge(out, "chat_messages_sent_per_second", "Messages accepted per second, mean of the last "
                + RateWindow.SECONDS + " s (Prometheus users: rate() of the counter)", sentRate.perSecond(now));
        gauge(out, "chat_messages_delivered_per_second", "Message events queued to sockets per second, mean of the last "
                + RateWindow.SECONDS + " s", deliveredRate.perSecond(now));
        labelledCounter(out, "chat_frames_rejected_total", "Client frames refused with an error frame, by status",
                "status", framesRejected);
        labelledCounter(out, "chat_login_failures_total", "Failed logins, by reason", "reason", loginFailures);
        labelledCounter(out, "chat_relay_events_total", "Losses and renewals of the relay's subscription, gaps repaired "
                + "and resynchronisations (resync, reload), by event", "event", relayEvents);
        counter(out, "chat_relay_messages_repaired_total", "Events of the message log delivered after the node could read it again",
                messagesRepaired.sum());
        labelledCounter(out, "chat_sockets_dropped_total", "Sockets this node dropped (TCP connection aborted), by reason",
                "reason", socketsDropped);
        out.append("# HELP chat_relay_lag_seconds Publish-to-receipt time of envelopes from other nodes (clocks of both nodes)\n")
                .append("# TYPE chat_relay_lag_seconds histogram\n");
        relayLag.writeTo(out, "chat_relay_lag_seconds", "");
        out.append("# HELP chat_redis_command_seconds Duration of Redis operations, by operation\n")
                .append("# TYPE chat_redis_command_seconds histogram\n");
        new TreeMap<>(redisLatency).forEach((operation, histogram) ->
                histogram.writeTo(out, "chat_redis_command_seconds", "operation=\"" + operation + "\","));
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, Number value) {
        sample(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        sample(out, name, help, "counter", value);
    }

    private static void sample(StringBuilder out, String name, String help, String type, Number value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }

    private static void labelledCounter(StringBuilder out, String name, String help, String label, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        values.forEach((value, adder) -> out.append(name).append('{').append(label).append("=\"").append(value)
                .append("\"} ").append(adder.sum()).append('\n'));
    }

    private record Gauge(String name, String help, LongSupplier value) {
    }
}
