package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A real WildFly (the unpacked {@code wildfly-dist} zip named by {@code chat.test.wildflyHome})
 * with the project's WAR, unchanged, deployed as {@code ROOT.war} (context root {@code /}) in
 * its default {@code standalone.xml}. Each server gets a fresh copy of {@code standalone/} and a
 * port offset of its own, so the unpacked distribution is never modified.
 */
public final class WildFlyServer extends ServerNode {

    private static final int[] DEFAULT_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    private final Process process;

    private WildFlyServer(String serverId, Process process, int port, Path log) {
        super("WildFly", serverId, port, log);
        this.process = process;
    }

    /** Starts the server with the WAR in its deployment scanner's directory and waits until the node is ready. */
    public static WildFlyServer start(String serverId, String redisUrl) {
        Path home = ServerProcesses.home("chat.test.wildflyHome", "WildFly");
        Path base = WorkDirs.fresh("wildfly-" + serverId + "-");
        ServerProcesses.copyTree(home.resolve("standalone"), base);
        try {
            Files.copy(PayaraNode.war(), base.resolve("deployments/ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int offset = ServerProcesses.freeOffset(DEFAULT_PORTS, "WildFly");
        Path log = base.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base.toAbsolutePath(), "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.bind.address=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        ServerProcesses.replaceChatEnvironment(builder, ServerProcesses.chatEnvironment(serverId, redisUrl, Map.of()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", String.join(" ", PayaraNode.TEST_JVM));
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // the script passes SIGTERM on to the JVM
        try {
            Process process = builder.start();
            WildFlyServer server = new WildFlyServer(serverId, process, 8080 + offset, log);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.processes().forEach(ProcessHandle::destroyForcibly)));
            // "started (with errors)": a port taken meanwhile, or the deployment failed; it will never be ready
            server.awaitReadyOrStop(() -> process.isAlive() && !ServerProcesses.logContains(log, "WFLYSRV0026"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ProcessHandle jvm() {
        return ServerProcesses.javaOf(process);
    }

    /** The server's JVM first, then standalone.sh that waits for it. */
    @Override
    List<ProcessHandle> processes() {
        return ServerProcesses.tree(process);
    }
}
