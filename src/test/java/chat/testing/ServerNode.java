package chat.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the tests' launchers of full application servers (Payara Server, WildFly, Open Liberty)
 * share once a server runs: where the node answers, its log, waiting until it is ready, and
 * stopping or killing its processes. Each launcher adds how its server is started.
 */
abstract class ServerNode implements ChatNode {

    private final String runtime;
    private final String serverId;
    private final int port;
    private final Path log;

    ServerNode(String runtime, String serverId, int port, Path log) {
        this.runtime = runtime;
        this.serverId = serverId;
        this.port = port;
        this.log = log;
    }

    /** The processes to signal, the JVM before any launch script that waits for it; only those still alive. */
    abstract List<ProcessHandle> processes();

    /**
     * Waits until the node is ready; a server that does not get there is stopped, since it would
     * run on without the application.
     *
     * @param alive false once the server exited or said that the deployment failed
     */
    final void awaitReadyOrStop(BooleanSupplier alive) {
        try {
            ServerProcesses.awaitReady(this, ServerProcesses.START_TIMEOUT, alive);
        } catch (RuntimeException | AssertionError failed) {
            close();
            throw failed;
        }
    }

    @Override
    public final String serverId() {
        return serverId;
    }

    @Override
    public final String runtime() {
        return runtime;
    }

    @Override
    public final String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public final Path log() {
        return log;
    }

    @Override
    public final void kill() {
        processes().forEach(ServerProcesses::kill);
    }

    @Override
    public final void close() {
        processes().forEach(ServerProcesses::stop);
    }
}
