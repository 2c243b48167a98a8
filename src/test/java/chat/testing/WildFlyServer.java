package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real WildFly (the unpacked {@code wildfly-dist} zip named by {@code chat.test.wildflyHome})
 * with the project's WAR, unchanged, deployed as {@code ROOT.war} (context root {@code /}) in
 * its default {@code standalone.xml}. Each server gets a fresh copy of {@code standalone/} and a
 * port offset of its own, so the unpacked distribution is never modified.
 */
public final class WildFlyServer implements ChatNode {

    private static final int[] DEFAULT_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    private final String serverId;
    private final Process process;
    private final int port;
    private final Path log;

    private WildFlyServer(String serverId, Process process, int port, Path log) {
        this.serverId = serverId;
        this.process = process;
        this.port = port;
        this.log = log;
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
        int offset = freeOffset();
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
            try {
                ServerProcesses.awaitReady(server, ServerProcesses.START_TIMEOUT,
                        () -> process.isAlive() && !ServerProcesses.logContains(log, "WFLYSRV0026"));
            } catch (RuntimeException | AssertionError failed) {
                server.close(); // it runs on without the application otherwise
                throw failed;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String serverId() {
        return serverId;
    }

    @Override
    public String runtime() {
        return "WildFly";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public ProcessHandle jvm() {
        return ServerProcesses.javaOf(process);
    }

    @Override
    public void kill() {
        processes().forEach(ServerProcesses::kill);
    }

    @Override
    public void close() {
        processes().forEach(ServerProcesses::stop);
    }

    /** The server's JVM first, then standalone.sh that waits for it. */
    private List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        Collections.reverse(all);
        all.add(process.toHandle());
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }

    private static int freeOffset() {
        for (int attempt = 0; attempt < 100; attempt++) {
            // below the ephemeral range (32768 up), where Ports.free() and outgoing connections take theirs
            int offset = ThreadLocalRandom.current().nextInt(1000, 20000);
            if (ServerProcesses.allFree(Arrays.stream(DEFAULT_PORTS).map(p -> p + offset).toArray())) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }
}
