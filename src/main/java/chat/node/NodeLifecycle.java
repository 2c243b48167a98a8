package chat.node;

import chat.config.AppThreads;
import chat.config.Settings;

import chat.operations.Metrics;
import chat.presence.Presence;
import chat.realtime.hub.LocalConnections;
import chat.realtime.relay.EpochChanged;
import chat.realtime.relay.MessageLog;
import chat.realtime.relay.MissedRelayEvents;
import chat.realtime.relay.Relay;
import chat.redis.EvictionPolicy;
import chat.seeding.DemoData;
import chat.sessions.Sessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a node does besides answering requests: seed an empty Redis, join the relay, keep its
 * presence lease. Each start step is retried until Redis answers, so a node started before its
 * Redis comes up on its own; everything stops with the application.
 */
@ApplicationScoped
public class NodeLifecycle {

    private static final Logger LOG = Logger.getLogger(NodeLifecycle.class.getName());
    /** Milliseconds Payara waits, when the JVM is told to stop, before it stops the applications. */
    private static final String PAYARA_SHUTDOWN_GRACE = "fish.payara.shutdowngrace";

    @Inject
    Settings settings;

    @Inject
    DemoData demoData;

    @Inject
    Relay relay;

    @Inject
    MessageLog log;

    @Inject
    Presence presence;

    @Inject
    LocalConnections connections;

    @Inject
    Sessions sessions;

    @Inject
    Metrics metrics;

    @Inject
    EvictionPolicy evictionPolicy;

    private ScheduledExecutorService scheduler;
    private UndecodablePaths undecodablePaths; // null: CHAT_PAYARA_UNDECODABLE_PATHS=false
    private volatile ScheduledFuture<?> listenerWatch;
    private volatile boolean seeded;
    private volatile boolean joined;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread drainHook;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        metrics.gauge("chat_sockets_connected", "WebSocket connections open on this node", connections::size);
        metrics.gauge("chat_users_connected", "Users with at least one WebSocket on this node", () -> connections.users().size());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> AppThreads.daemon("chat-node-" + settings.serverId(), r));
        LOG.info(() -> "Chat node " + settings.serverId() + " starting; it holds at most " + settings.maxSockets() + " sockets");
        if (settings.undecodablePathWorkaround()) {
            undecodablePaths = new UndecodablePaths(NodeLifecycle.class.getClassLoader());
        } else {
            LOG.info("Payara's undecodable paths: workaround INACTIVE (CHAT_PAYARA_UNDECODABLE_PATHS=false): Payara answers them 200, empty");
        }
        long period = Math.max(1000, settings.presenceLease().toMillis() / 3);
        // The first tick runs here, on the deploying thread: twice in about 180 starts, a node whose first
        // tick ran on its own thread while Payara was still loading the application hit an Error there
        // (once in creating the Redis client, once without a trace: the task ended) and never got ready.
        tick();
        scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        if (undecodablePaths != null) {
            // Payara opens its listener after the deployment: watched within a tenth of a second, not at the next tick.
            listenerWatch = scheduler.scheduleWithFixedDelay(this::watchUntilSettled, 0, 100, TimeUnit.MILLISECONDS);
        }
        long ping = settings.pingInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkSockets, ping, ping, TimeUnit.MILLISECONDS);
        drainOnStop();
    }

    /**
     * On SIGTERM, the node says it is stopping for {@code CHAT_SHUTDOWN_GRACE} before the container
     * stops it: Payara waits that long ({@code fish.payara.shutdowngrace}, unless the operator set it)
     * before it undeploys the chat, while this hook, run by the JVM at the same moment, closes the
     * sockets (their clients reconnect to other nodes) and refuses new ones with 503 and
     * {@code Retry-After} ({@link StartupGate}). Without it a stopping node went on taking handshakes
     * until Payara undeployed the chat, then answered every request with a bare 503 and 500 of the
     * container's, no {@code Retry-After}, for a second or so before its port closed.
     */
    private void drainOnStop() {
        long grace = settings.shutdownGrace().toMillis();
        if (grace > 0 && System.getProperty(PAYARA_SHUTDOWN_GRACE) == null) {
            System.setProperty(PAYARA_SHUTDOWN_GRACE, String.valueOf(grace));
        }
        drainHook = AppThreads.daemon("chat-drain-" + settings.serverId(), this::drain);
        Runtime.getRuntime().addShutdownHook(drainHook);
    }

    private void drain() {
        stopping = true;
        LOG.info(() -> "Chat node " + settings.serverId() + " stopping: not ready, its sockets closed, new ones refused for "
                + System.getProperty(PAYARA_SHUTDOWN_GRACE, "0") + " ms before the container stops");
        connections.closeAll("Server shutting down");
    }

    /** From SIGTERM on: see {@link #drainOnStop()}. */
    public boolean isStopping() {
        return stopping;
    }

    private void tick() {
        if (undecodablePaths != null) {
            undecodablePaths.watchListeners(); // also the listeners Payara made anew since
        }
        try {
            if (!seeded) {
                seeded = demoData.seedIfEmpty();
            }
            if (!joined) {
                // Forget what a previous process with our id left behind, but keep the sockets that
                // opened before this first tick (clients reconnect as soon as a node answers).
                presence.replaceWith(connections.countsByUser());
                relay.subscribe();
                log.start();
                joined = true;
                LOG.info(() -> "Chat node " + settings.serverId() + " joined the relay");
                evictionPolicy.evicting().ifPresent(policy -> LOG.warning("Redis's maxmemory-policy is " + policy
                        + ": once full, it deletes the chat's keys (sessions, users, messages). Set it to noeviction (docs/OPERATIONS.md)"));
            }
            relay.verify();
            metrics.timeRedis("presence_heartbeat", () -> presence.heartbeat(connections::countsByUser));
            if (seeded && demoData.missing()) {
                // Until it is back, registrations are refused (LoginResource), so no one takes a demo name meanwhile.
                LOG.warning("Redis holds no users any more (restarted without its data, or flushed): writing the demo data again");
                seeded = demoData.seedIfEmpty();
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "Node upkeep failed (will retry): " + NodeHealth.withRootCause(e));
        } catch (Error e) {
            // Thrown on, it would end the schedule without a word and leave the node unready for good.
            LOG.log(Level.SEVERE, "Node upkeep failed with an error (will retry)", e);
        }
    }

    /** Pings every socket, closes the silent ones and those whose session has ended (expired or logged out). */
    private void checkSockets() {
        try {
            connections.pingAll(settings.socketIdleTimeout().toMillis());
            closeEndedSessions();
        } catch (RuntimeException e) {
            LOG.warning(() -> "Socket upkeep failed (will retry): " + NodeHealth.withRootCause(e));
        } catch (Error e) {
            LOG.log(Level.SEVERE, "Socket upkeep failed with an error (will retry)", e);
        }
    }

    /**
     * On the log's follower, before it delivers anything of the new epoch: when Redis lost its data,
     * the sessions went with it, and their sockets close now rather than at the next ping, as the
     * users' ids may soon be someone else's ({@code StoreReset}).
     */
    void epochChanged(@Observes EpochChanged changed) {
        closeEndedSessionsNow("the epoch changed");
    }

    /**
     * A session that ended on another node while this one's subscription was lost was never announced
     * here: its sockets close now rather than at the next ping (until then they would still receive).
     */
    void relayEventsMissed(@Observes MissedRelayEvents missed) {
        try {
            scheduler.execute(() -> closeEndedSessionsNow("the relay subscribed again"));
        } catch (RejectedExecutionException stopping) {
            LOG.fine("Not looking for ended sessions: the node is stopping");
        }
    }

    private void closeEndedSessionsNow(String after) {
        try {
            closeEndedSessions();
        } catch (RuntimeException e) { // the next ping's check closes them
            LOG.warning(() -> "Closing the sockets of ended sessions after " + after + " failed: " + NodeHealth.withRootCause(e));
        }
    }

    private void closeEndedSessions() {
        var sessionKeys = connections.sessionKeys();
        if (!sessionKeys.isEmpty()) {
            sessions.ended(sessionKeys).forEach(key -> connections.closeSession(key, "Session ended"));
        }
    }

    /**
     * The demo data is there (or not wanted), the node joined the relay, heard its own probe
     * through it and hears the other nodes now (see {@code RelayHealth}), and reads the message log.
     */
    public boolean isReady() {
        return !stopping && seeded && joined && relay.isListening() && log.isFollowing();
    }

    /** Why the node is ready or not, for {@code /health/ready}. */
    public String readiness() {
        if (stopping) {
            return "stopping";
        }
        if (!seeded) {
            return "demo data not written yet";
        }
        if (!joined) {
            return "relay not joined yet";
        }
        return log.isFollowing() ? "relay " + relay.listeningDetail() : "message log cannot be read";
    }

    /**
     * Whether the node has been ready once: from then on it serves requests (see
     * {@link StartupGate}). Asked on every request until then, so the first request after the
     * relay heard its probe is served without waiting for the next heartbeat.
     */
    public boolean hasStarted() {
        if (started.get()) {
            return true;
        }
        if (isReady() && started.compareAndSet(false, true)) {
            LOG.info(() -> "Chat node " + settings.serverId() + " is ready: serving requests");
        }
        return started.get();
    }

    /** Every tenth of a second until Payara's HTTP listener is watched (or this is not Payara); the tick takes over then. */
    private void watchUntilSettled() {
        undecodablePaths.watchListeners();
        ScheduledFuture<?> watch = listenerWatch;
        if (watch != null && undecodablePaths.settled()) {
            watch.cancel(false);
        }
    }

    /** Before any application bean (the Redis client among them) is destroyed. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (drainHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(drainHook); // undeployed while the JVM goes on: it would hold the application
            } catch (IllegalStateException jvmStopping) {
                // the hook has run or runs now
            }
        }
        if (undecodablePaths != null) {
            undecodablePaths.stop();
        }
        connections.closeAll("Server shutting down");
        log.stop();
        try {
            relay.unsubscribe();
            presence.leave();
        } catch (RuntimeException e) {
            LOG.warning(() -> "Could not leave cleanly: " + e);
        }
    }
}
