package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A real Open Liberty (the unpacked {@code io.openliberty:openliberty-runtime} zip named by
 * {@code chat.test.libertyHome}) running the project's WAR, unchanged, at {@code /}: a server of
 * its own in a fresh user directory ({@code WLP_USER_DIR}) with the {@code server.xml} of
 * docs/OPERATIONS.md, started in the foreground with {@code server run}.
 */
public final class LibertyServer implements ChatNode {

    private final String serverId;
    private final int port;
    private final Path log;
    private final Process process;

    private LibertyServer(String serverId, int port, Path log, Process process) {
        this.serverId = serverId;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * The server.xml the WAR needs: Web Profile 10 (WebSocket included), plain HTTP/1.1 on the
     * port (Liberty's HTTP/2 cleartext upgrade wedges on static files: docs/OPERATIONS.md), the WAR at /.
     */
    public static String serverXml(int httpPort, Path war) {
        return """
                <server description="redis-chat">
                    <featureManager>
                        <feature>webProfile-10.0</feature>
                        <feature>websocket-2.1</feature>
                    </featureManager>
                    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"
                                  protocolVersion="http/1.1"/>
                    <webApplication id="redis-chat" location="%s" contextRoot="/"/>
                </server>
                """.formatted(httpPort, war.toAbsolutePath());
    }

    /** Starts the server and waits until the node is ready. */
    public static LibertyServer start(String serverId, String redisUrl) {
        Path home = ServerProcesses.home("chat.test.libertyHome", "Open Liberty");
        Path userDir = WorkDirs.fresh("liberty-" + serverId + "-");
        int port = Ports.free();
        try {
            Path server = Files.createDirectories(userDir.resolve("servers/chat"));
            Files.writeString(server.resolve("server.xml"), serverXml(port, PayaraNode.war()));
            Files.write(server.resolve("jvm.options"), PayaraNode.TEST_JVM);
            Path log = userDir.resolve("console.log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/server").toString(), "run", "chat")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            ServerProcesses.replaceChatEnvironment(builder, ServerProcesses.chatEnvironment(serverId, redisUrl, Map.of()));
            builder.environment().put("WLP_USER_DIR", userDir.toAbsolutePath().toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> jvms(process).forEach(ProcessHandle::destroyForcibly)));
            LibertyServer liberty = new LibertyServer(serverId, port, log, process);
            // CWWKZ0002E: the application failed to start; Liberty keeps running without it
            try {
                ServerProcesses.awaitReady(liberty, ServerProcesses.START_TIMEOUT,
                        () -> process.isAlive() && !ServerProcesses.logContains(log, "CWWKZ0002E"));
            } catch (RuntimeException | AssertionError failed) {
                liberty.close(); // it runs on without the application otherwise
                throw failed;
            }
            return liberty;
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
        return "Open Liberty";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The console; Liberty's own logs are under {@code servers/chat/logs} next to it. */
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
        jvms(process).forEach(ServerProcesses::kill);
    }

    @Override
    public void close() {
        jvms(process).forEach(ServerProcesses::stop);
    }

    /** The launch script and the JVM it starts (deepest first, so the JVM gets the signal itself). */
    private static List<ProcessHandle> jvms(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        Collections.reverse(all);
        all.add(process.toHandle());
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }
}
