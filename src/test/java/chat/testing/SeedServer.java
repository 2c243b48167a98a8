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
 * The seed demo's own Node.js server (unmodified, from {@code ../shared/peers/seed-nodejs}) as a
 * process of its own on a free port, against a Redis given by the caller: for mixed-fleet tests,
 * which install it under {@code target/seed-nodejs} themselves ({@link #start(int)}; skipped with
 * the reason where node or npm is missing or the install fails, never silently), and for the
 * benchmark, which runs the same workload against it and redis-chat from a copy installed by hand
 * ({@link #start(Path, String, Path)}).
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

    /** The seed installed under target/ (or the test is skipped), against the Redis on this port of this machine. */
    public static SeedServer start(int redisPort) {
        Path dir = installed();
        return run(dir, "127.0.0.1:" + redisPort, dir, Duration.ofSeconds(60));
    }

    /** Starts an installed copy of the seed ({@code npm install} ran in {@code home}); its log goes to {@code workDir}. */
    public static SeedServer start(Path home, String redisHostPort, Path workDir) {
        if (!Files.isRegularFile(home.resolve("server/index.js")) || !Files.isDirectory(home.resolve("node_modules"))) {
            throw new IllegalArgumentException(home + " is not an installed copy of the seed (server/index.js and "
                    + "node_modules expected; see ../shared/peers/seed-nodejs/README-HERE.md)");
        }
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run(home, redisHostPort, workDir, Duration.ofMinutes(5));
    }

    /** Runs {@code node server/index.js} in {@code dir} and waits until it answers. */
    private static SeedServer run(Path dir, String redisHostPort, Path logDir, Duration timeout) {
        int port = Ports.free();
        Path log = logDir.resolve("seed-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder("node", "server/index.js").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REDIS_ENDPOINT_URL", redisHostPort);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().remove("REDIS_PASSWORD");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlive the run
        SeedServer seed = new SeedServer(process, port, log);
        try {
            Await.until("the seed's server to listen on " + port, timeout, () -> {
                if (!seed.isAlive()) {
                    throw new AssertionError("the seed's server exited"); // an Error: Await gives up at once
                }
                return seed.status("/randomname") == 200;
            });
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

    public long pid() {
        return process.pid();
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
