package chat.realtime.tyrus;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives each Tyrus session (Payara, GlassFish) a plain scheduler for its idle timer.
 *
 * <p>Tyrus restarts a session's idle timer on every frame it receives, by scheduling a task on the
 * container's default managed scheduled executor. Payara captures the caller's context for every
 * such task, and the capture looks {@code ThreadContextProvider}s up with a {@code ServiceLoader}
 * over the thread's context class loader: on a thread reading a WebSocket that is the
 * application's loader, so every incoming message searched every jar of the server and of
 * {@code WEB-INF/lib} (about half a millisecond of CPU; most of a node's time under load, see
 * docs/PERFORMANCE.md, "How we got here"). Payara's settings cannot turn the capture off (it runs whatever the context
 * service propagates), and disabling the default managed scheduler makes CDI refuse to deploy;
 * Tyrus has no setting for its scheduler. So each new session's own scheduler reference (a
 * private, non-final field) is pointed at one plain scheduler of ours; the one timer task its
 * handshake queued still pays the capture once. An earlier version replaced the container's
 * {@code final} field instead, which later JDKs refuse (JEP 500).
 *
 * <p>Made by {@link TyrusAdapter} when {@code CHAT_TYRUS_PLAIN_IDLE_TIMER} is on (the default). On
 * another runtime, or if Tyrus's field is not found, it does nothing and says so once.
 */
final class TyrusIdleTimer {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static final String TYRUS_FIELD = "service";

    private final ScheduledThreadPoolExecutor timer;
    private volatile Access access; // found once per session class

    TyrusIdleTimer() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "chat-ws-idle-timer");
            thread.setDaemon(true);
            thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // restarted on every frame: cancelled timers must not pile up
    }

    void stop() {
        timer.shutdownNow();
    }

    /** Points a new session's idle timer at the plain scheduler (on Tyrus). */
    void adopt(Session session) {
        Access a = access;
        if (a == null || a.type != session.getClass()) {
            a = accessFor(session.getClass());
        }
        if (a.field == null) {
            return;
        }
        try {
            a.field.set(session, timer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Session " + session.getId() + " keeps the container's scheduler", e);
        }
    }

    /** Looked up, and said in the log, once, however many handshakes of a burst ask at the same moment. */
    private synchronized Access accessFor(Class<?> type) {
        Access a = access;
        if (a == null || a.type != type) {
            a = Access.of(type);
            access = a;
            LOG.info(a.field != null
                    ? "Tyrus idle timers: workaround ACTIVE: sessions use a plain scheduler (no context capture per message)"
                    : "Tyrus idle timers: workaround INACTIVE: " + type.getName() + " has no non-final "
                    + TYRUS_FIELD + " field (another runtime, or another Tyrus)");
        }
        return a;
    }

    /** Where a class of session keeps its scheduler (null: nowhere we may write). */
    private record Access(Class<?> type, Field field) {

        static Access of(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (!c.getName().startsWith("org.glassfish.tyrus.")) {
                    continue;
                }
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(TYRUS_FIELD) && f.getType() == ScheduledExecutorService.class
                            && !Modifier.isFinal(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                        try {
                            f.setAccessible(true);
                            return new Access(type, f);
                        } catch (RuntimeException e) {
                            LOG.log(Level.FINE, "Tyrus's " + TYRUS_FIELD + " is not accessible", e);
                        }
                    }
                }
            }
            return new Access(type, null);
        }
    }
}
