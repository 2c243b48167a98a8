package chat.realtime.tyrus;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives Tyrus (the WebSocket runtime of Payara and GlassFish) a plain scheduler for its idle timers.
 *
 * <p>Tyrus restarts a session's idle timer on every frame sent or received, by scheduling a task on
 * the container's default managed scheduled executor. Payara captures the calling thread's context
 * for each such task, and the capture looks {@code ThreadContextProvider}s up with a
 * {@code ServiceLoader} over the thread's context class loader: on a thread reading a WebSocket
 * that is the application's loader, so every incoming frame searched every jar of the server and of
 * {@code WEB-INF/lib} (about half a millisecond of CPU; most of a node's time under load, see
 * docs/PERFORMANCE.md). An idle timer needs no container context, and Tyrus offers no setting for
 * its executor, so this replaces the container's reference (a private field) with a scheduler of
 * our own while the application runs, and puts the original back when it stops. On any other
 * runtime, or if Tyrus's fields change, it does nothing and says so in the log.
 */
@WebListener
public class TyrusIdleTimer implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static final String TYRUS_FIELD = "managedScheduledExecutorService";

    private Object container;
    private Field field;
    private Object original;
    private ScheduledThreadPoolExecutor timer;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        container = event.getServletContext().getAttribute(ServerContainer.class.getName());
        field = container == null ? null : tyrusField(container.getClass());
        if (field == null) {
            boolean tyrus = container != null && container.getClass().getName().startsWith("org.glassfish.tyrus.");
            LOG.log(tyrus ? Level.INFO : Level.FINE, () -> tyrus
                    ? "This Tyrus has no " + TYRUS_FIELD + ": every WebSocket frame will cost a container context capture"
                    : "Not on Tyrus: WebSocket idle timers left to the runtime");
            return;
        }
        try {
            field.setAccessible(true);
            original = field.get(container);
            timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "chat-ws-idle-timer");
                thread.setDaemon(true);
                thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true); // restarted on every frame: cancelled timers must not pile up
            field.set(container, timer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give Tyrus a plain idle-timer scheduler; every WebSocket frame "
                    + "will cost a container context capture", e);
            stopTimer();
            field = null;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (field != null) {
            try {
                field.set(container, original);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "Could not restore Tyrus's scheduler", e);
            }
        }
        stopTimer();
    }

    private void stopTimer() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private static Field tyrusField(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(TYRUS_FIELD) && f.getType() == ScheduledExecutorService.class) {
                    return f;
                }
            }
        }
        return null;
    }
}
