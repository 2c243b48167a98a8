package chat.testing;

import org.junit.jupiter.api.Assumptions;

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
import java.util.stream.Stream;

/**
 * The seed demo's own Node.js server (unmodified, from {@code ../shared/peers/seed-nodejs}, or
 * {@code -Dchat.seed.dir}) running against a test's Redis, for mixed-fleet tests. It is copied to
 * {@code target/seed-nodejs} and installed there with npm once. Where node or npm is missing or the
 * install fails, the test is skipped with the reason (never silently).
 */
public final class SeedServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private SeedServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static SeedServer start(int redisPort) {
        Path dir = installed();
        int port = Ports.free();
        Path log = dir.resolve("seed-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder("node", "server/index.js").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REDIS_ENDPOINT_URL", "127.0.0.1:" + redisPort);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().remove("REDIS_PASSWORD");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SeedServer seed = new SeedServer(process, port, log);
        try {
            Await.until("the seed's server to listen on " + port, Duration.ofSeconds(60),
                    () -> seed.isAlive() && seed.status("/randomname") == 200);
        } catch (AssertionError notStarted) {
            String output = seed.output();
            seed.close();
            throw new AssertionError(notStarted.getMessage() + "\n" + output, notStarted);
        }
        return seed;
    }

    /** The seed copied under target/ with its dependencies installed; skips the test when that cannot be done. */
    private static Path installed() {
        Path source = Stream.of(System.getProperty("chat.seed.dir"), "../shared/peers/seed-nodejs", "../../shared/peers/seed-nodejs",
                        "/work/shared/peers/seed-nodejs")
                .filter(p -> p != null && Files.isRegularFile(Path.of(p, "server", "index.js")))
                .map(Path::of).findFirst().orElse(null);
        Assumptions.assumeTrue(source != null, "Skipped: the seed's server is not found (set -Dchat.seed.dir to its directory)");
        Path target = Path.of("target", "seed-nodejs").toAbsolutePath();
        synchronized (SeedServer.class) {
            if (Files.isRegularFile(target.resolve("node_modules/bcrypt/package.json"))) {
                return target;
            }
            try {
                copy(source, target);
                ProcessBuilder npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                        .directory(target.toFile()).redirectErrorStream(true).redirectOutput(target.resolve("npm-install.log").toFile());
                // bcrypt 5 compiles against the local node headers: nothing to download but the packages.
                npm.environment().put("npm_config_nodedir", "/usr");
                npm.environment().put("npm_config_build_from_source", "true");
                Process install = npm.start();
                boolean done = install.waitFor(5, TimeUnit.MINUTES);
                if (!done) {
                    install.destroyForcibly();
                }
                boolean ok = done && install.exitValue() == 0
                        && new ProcessBuilder("node", "-e", "require('bcrypt').hashSync('x', 4)").directory(target.toFile())
                        .redirectErrorStream(true).start().waitFor() == 0;
                Assumptions.assumeTrue(ok, "Skipped: 'npm install' of the seed's server failed; see " + target.resolve("npm-install.log"));
            } catch (IOException e) {
                Assumptions.abort("Skipped: node or npm cannot be run here (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return target;
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(f -> !source.relativize(f).startsWith("node_modules")).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket";
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int status(String path) {
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

    /** What the server printed (its crashes included). */
    public String output() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
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
}
