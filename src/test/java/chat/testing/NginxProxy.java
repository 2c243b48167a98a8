package chat.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * nginx with {@code payara/nginx.conf} on a free loopback port, its two upstreams moved to the given
 * ports and its files into a fresh work directory; started once it answers its own health location.
 */
public final class NginxProxy implements AutoCloseable {

    private static final Path CONFIG = Path.of("payara/nginx.conf");

    private final int port = Ports.free();
    private final Process process;

    /** @param change applied to the file before the ports and paths are moved (a test's own limits) */
    public NginxProxy(int upstreamOne, int upstreamTwo, UnaryOperator<String> change) throws IOException {
        Path dir = WorkDirs.fresh("nginx-");
        String local = change.apply(Files.readString(CONFIG))
                .replace("127.0.0.1:8081", "127.0.0.1:" + upstreamOne)
                .replace("127.0.0.1:8082", "127.0.0.1:" + upstreamTwo)
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                .replace("/tmp/redis-chat-nginx", dir.toAbsolutePath() + "/nginx");
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, local);
        process = new ProcessBuilder("nginx", "-c", file.toAbsolutePath().toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
        Await.until("nginx answering", Duration.ofSeconds(20), () -> ServerProcesses.status(baseUrl() + "/nginx-health") == 200);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
