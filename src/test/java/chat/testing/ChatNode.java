package chat.testing;

import java.nio.file.Path;

/**
 * One running redis-chat node seen from outside, whatever server runs it (Payara Micro, Payara
 * Server, WildFly, Open Liberty): where it answers, its log, and how to stop or kill it.
 */
public interface ChatNode extends AutoCloseable {

    /** The node's {@code CHAT_SERVER_ID}. */
    String serverId();

    /** Which server runs it, for test names and messages ("WildFly"). */
    String runtime();

    String baseUrl();

    default String wsUrl() {
        return baseUrl().replaceFirst("^http", "ws") + "/ws";
    }

    /** The page's own origin, as a browser on {@link #baseUrl()} would send it. */
    default String origin() {
        return baseUrl();
    }

    Path log();

    /** The server's JVM (not a launch script), for its CPU time and for SIGKILL. */
    ProcessHandle jvm();

    /** SIGKILL to the server's JVM: it dies without closing anything. */
    void kill();

    /** Stops the server (SIGTERM or its own stop command) and waits until it is gone. */
    @Override
    void close();
}
