package chat.bench;

import chat.testing.Await;
import chat.testing.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The seed's Node.js server (an installed copy of {@code ../shared/peers/seed-nodejs}, unmodified)
 * as a process of its own on a free port, against a Redis of its own, to run the same workload
 * against it and against redis-chat in one benchmark run.
 */
final class SeedServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final Process process;
    private final Path log;

    private SeedServer(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code node server/index.js} in {@code home} (where {@code npm install} ran) and waits until it answers. */
    static SeedServer start(Path home, String redisHostPort, Path workDir) {
        if (!Files.isRegularFile(home.resolve("server/index.js")) || !Files.isDirectory(home.resolve("node_modules"))) {
            throw new IllegalArgumentException(home + " is not an installed copy of the seed (server/index.js and "
                    + "node_modules expected; see ../shared/peers/seed-nodejs/README-HERE.md)");
        }
        int port = Ports.free();
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve("seed-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(List.of("node", "server/index.js")).directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("REDIS_ENDPOINT_URL", redisHostPort);
            builder.environment().put("PORT", String.valueOf(port));
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            SeedServer seed = new SeedServer(port, process, log);
            Await.until("the seed's server on port " + port + " (log: " + log + ")", Duration.ofMinutes(5), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the seed's server exited; see " + log);
                }
                return seed.status("/randomname") == 200;
            });
            return seed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket";
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
