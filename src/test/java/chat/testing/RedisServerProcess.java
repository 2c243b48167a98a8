package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server process on a free loopback port: the binary shipped in the
 * {@code embedded-redis} artifact (so a machine without Redis works), or {@code redis-server}
 * from the PATH when that artifact has none for this platform. Never the shared 6379.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private final List<String> settings;
    private Process process;

    private RedisServerProcess(int port, Path dir, boolean appendOnly, List<String> settings) {
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.settings = settings;
    }

    /** A throw-away Redis that keeps nothing on disk. */
    public static RedisServerProcess start() {
        return start(Ports.free(), WorkDirs.fresh("redis-"), false);
    }

    /** A throw-away Redis with more settings on its command line ({@code "--rename-command", "PUBSUB", ""}). */
    public static RedisServerProcess startWith(String... settings) {
        RedisServerProcess redis = new RedisServerProcess(Ports.free(), WorkDirs.fresh("redis-"), false, List.of(settings));
        redis.startProcess();
        return redis;
    }

    /** A Redis that keeps its data in {@code dir} (append-only file), so a restart keeps the data. */
    public static RedisServerProcess start(int port, Path dir, boolean appendOnly) {
        RedisServerProcess redis = new RedisServerProcess(port, dir, appendOnly, List.of());
        redis.startProcess();
        return redis;
    }

    public int port() {
        return port;
    }

    /** The server's process id (-1 when stopped), for reading its CPU and memory from outside. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it again on the same port with the same data directory. */
    public void startProcess() {
        List<String> command = new ArrayList<>(List.of(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(appendOnly ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        command.addAll(settings);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlive the run
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until("Redis on port " + port, Duration.ofSeconds(20), this::answers);
    }

    /** Waits until the server exits, by itself or killed from outside; its exit code (-1: it was not running). */
    public int waitForExit() throws InterruptedException {
        Process p = process;
        return p == null ? -1 : p.waitFor();
    }

    /** Stops the server (SIGTERM: with append-only on, the data stays). */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] buffer = new byte[7];
            int n = socket.getInputStream().read(buffer);
            return n > 0 && new String(buffer, 0, n).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary;

    /**
     * The redis-server binary shipped in the embedded-redis artifact for this platform, copied
     * once into the build directory (its own provider leaves a copy in /tmp per call); or the
     * PATH's redis-server where the artifact has none.
     */
    static synchronized String binary() {
        if (binary == null) {
            String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
            boolean arm = System.getProperty("os.arch").contains("aarch64") || System.getProperty("os.arch").contains("arm");
            String resource = os.contains("linux") ? (arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64")
                    : os.contains("mac") ? (arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64") : null;
            binary = "redis-server";
            if (resource != null) {
                try (var in = RedisServerProcess.class.getResourceAsStream("/" + resource)) {
                    if (in != null) {
                        Path dir = WorkDirs.root().resolve("redis-bin").toAbsolutePath();
                        Files.createDirectories(dir);
                        Path file = dir.resolve(resource);
                        if (!Files.exists(file)) {
                            Path partial = Files.createTempFile(dir, resource, ".part");
                            Files.copy(in, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            partial.toFile().setExecutable(true);
                            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        }
                        binary = file.toString();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return binary;
    }
}
