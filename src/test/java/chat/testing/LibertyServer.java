package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real Open Liberty (the unpacked {@code io.openliberty:openliberty-runtime} zip named by
 * {@code chat.test.libertyHome}) running the project's WAR, unchanged, at {@code /}: a server of
 * its own in a fresh user directory ({@code WLP_USER_DIR}) with the {@code server.xml} of
 * docs/OPERATIONS.md, started in the foreground with {@code server run}.
 */
public final class LibertyServer extends ServerNode {

    private final Process process;

    private LibertyServer(String serverId, int port, Path log, Process process) {
        super("Open Liberty", serverId, port, log);
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
            Path log = userDir.resolve("console.log"); // Liberty's own logs are under servers/chat/logs next to it
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/server").toString(), "run", "chat")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            ServerProcesses.replaceChatEnvironment(builder, ServerProcesses.chatEnvironment(serverId, redisUrl, Map.of()));
            builder.environment().put("WLP_USER_DIR", userDir.toAbsolutePath().toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> ServerProcesses.tree(process).forEach(ProcessHandle::destroyForcibly)));
            LibertyServer liberty = new LibertyServer(serverId, port, log, process);
            // CWWKZ0002E: the application failed to start; Liberty keeps running without it
            liberty.awaitReadyOrStop(() -> process.isAlive() && !ServerProcesses.logContains(log, "CWWKZ0002E"));
            return liberty;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ProcessHandle jvm() {
        return ServerProcesses.javaOf(process);
    }

    @Override
    List<ProcessHandle> processes() {
        return ServerProcesses.tree(process);
    }
}
