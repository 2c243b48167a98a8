package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real WildFly (the unpacked {@code wildfly-dist} zip named by {@code chat.test.wildflyHome})
 * with the project's WAR, unchanged, deployed as {@code ROOT.war} (context root {@code /}) in
 * its default {@code standalone.xml}. Each server gets a fresh copy of {@code standalone/} and a
 * port offset of its own, so the unpacked distribution is never modified.
 */
public final class WildFlyServer implements AutoCloseable {

    private static final int[] DEFAULT_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    private final Process process;
    private final int port;
    private final Path log;

    private WildFlyServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Path home() {
        String home = System.getProperty("chat.test.wildflyHome");
        return home == null ? null : Path.of(home);
    }

    public static WildFlyServer start(String serverId, String redisUrl) {
        Path home = home();
        Path base = WorkDirs.fresh("wildfly-" + serverId + "-");
        try {
            copyTree(home.resolve("standalone"), base);
            Files.copy(PayaraNode.war(), base.resolve("deployments/ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
            int offset = freeOffset();
            Path log = base.resolve("console.log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                    "-Djboss.server.base.dir=" + base.toAbsolutePath(), "-Djboss.socket.binding.port-offset=" + offset,
                    "-Djboss.bind.address=127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("CHAT_"));
            env.putAll(PayaraNode.UNLIMITED);
            env.put("REDIS_URL", redisUrl);
            env.put("CHAT_SERVER_ID", serverId);
            env.put("JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // the script passes SIGTERM on to the JVM
            WildFlyServer server = new WildFlyServer(builder.start(), 8080 + offset, log);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Await.until("WildFly on port " + port + " (log: " + log + ")", Duration.ofMinutes(5), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("WildFly exited; see " + log);
            }
            try {
                return new ChatHttp(baseUrl()).get("/health/ready").status() == 200;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        });
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        List<ProcessHandle> jvm = process.descendants().toList();
        process.destroy();
        jvm.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : jvm) {
                child.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            jvm.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static int freeOffset() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(1000, 50000);
            boolean free = true;
            for (int p : DEFAULT_PORTS) {
                try (ServerSocket s = new ServerSocket(p + offset)) {
                    s.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
