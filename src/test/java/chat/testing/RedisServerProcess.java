package chat.testing;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
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
    private Process process;

    private RedisServerProcess(int port, Path dir, boolean appendOnly) {
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
    }

    /** A throw-away Redis that keeps nothing on disk. */
    public static RedisServerProcess start() {
        return start(Ports.free(), tempDir(), false);
    }

    /** A Redis that keeps its data in {@code dir} (append-only file), so a restart keeps the data. */
    public static RedisServerProcess start(int port, Path dir, boolean appendOnly) {
        RedisServerProcess redis = new RedisServerProcess(port, dir, appendOnly);
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

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts it again on the same port with the same data directory. */
    public void startProcess() {
        List<String> command = new ArrayList<>(List.of(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(appendOnly ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until("Redis on port " + port, Duration.ofSeconds(20), this::answers);
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

    private static String binary() {
        try {
            File file = ExecutableProvider.newJarResourceProvider().get();
            file.setExecutable(true);
            return file.getAbsolutePath();
        } catch (IOException | RuntimeException notForThisPlatform) {
            return "redis-server";
        }
    }

    private static Path tempDir() {
        try {
            Path base = Path.of(System.getProperty("chat.test.workDir", "target/it"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
