package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the launchers of chat nodes share (Payara Micro, Payara Server, WildFly, Open Liberty, the image's entrypoint). */
public final class ServerProcesses {

    // HTTP/1.1: see PayaraNode (an h2c upgrade during start-up can leave a connection that never answers)
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * How long a server may take to start and deploy. About a minute each on an idle 2-core
     * machine, even when all four start at once; far longer while other builds load the machine.
     */
    static final Duration START_TIMEOUT = Duration.ofMinutes(8);

    /** The settings every test node runs with, as environment variables (what an operator sets). */
    static Map<String, String> chatEnvironment(String serverId, String redisUrl, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redisUrl);
        env.put("CHAT_SERVER_ID", serverId);
        env.put("CHAT_PRESENCE_LEASE", "PT6S");
        env.put("CHAT_OUTBOUND_QUEUE_LIMIT", "256");
        env.put("CHAT_SHUTDOWN_GRACE", "PT0S"); // a test's node stops at once; StartupGateIT tests the grace
        env.putAll(PayaraNode.UNLIMITED);
        env.putAll(extra);
        return env;
    }

    /** A process environment without the caller's own Redis or chat settings, plus these. */
    public static void replaceChatEnvironment(ProcessBuilder builder, Map<String, String> env) {
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("CHAT_"));
        builder.environment().putAll(env);
    }

    /** Waits until the node answers {@code /health/ready}; ends early when {@code alive} turns false (the server exited or failed to start). */
    static void awaitReady(ChatNode node, Duration timeout, BooleanSupplier alive) {
        Await.until(node.runtime() + " node " + node.serverId() + " ready at " + node.baseUrl() + " (log: " + node.log() + ")",
                timeout, () -> {
                    if (!alive.getAsBoolean()) {
                        throw new AssertionError(node.runtime() + " exited or failed to start; see " + node.log()); // an Error: Await gives up at once
                    }
                    return status(node.baseUrl() + "/health/ready") == 200;
                });
    }

    static boolean logContains(Path log, String text) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.anyMatch(l -> l.contains(text));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Whether every one of these ports can be bound on this machine right now. */
    /** Runs a short command (a server's admin tool) and fails with its output unless it exits with 0. */
    static void run(List<String> command, Map<String, String> env, Path log, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                        + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops a JVM: SIGTERM, then SIGKILL if it is still there after a minute. */
    static void stop(ProcessHandle jvm) {
        jvm.destroy();
        try {
            jvm.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            jvm.destroyForcibly();
        }
    }

    /** SIGKILL, waiting until the process is gone. */
    static void kill(ProcessHandle jvm) {
        jvm.destroyForcibly();
        try {
            jvm.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + jvm.pid() + " survived SIGKILL", e);
        }
    }

    /** A launch script and what it started, deepest first (so the JVM gets a signal itself); only those still alive. */
    static List<ProcessHandle> tree(Process script) {
        List<ProcessHandle> all = new ArrayList<>(script.descendants().toList());
        Collections.reverse(all);
        all.add(script.toHandle());
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }

    /**
     * An offset that moves every one of a server's default ports to a free one, below the
     * ephemeral range (32768 up), where outgoing connections take theirs, and the ports above it
     * that {@link Ports#free()} hands out.
     */
    static int freeOffset(int[] defaultPorts, String server) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(1000, 20000);
            if (Ports.allFree(Arrays.stream(defaultPorts).map(p -> p + offset).toArray())) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for " + server);
    }

    /** The java process a launch script started (the script itself when it exec'd java). */
    static ProcessHandle javaOf(Process script) {
        return script.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElse(script.toHandle());
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path home(String property, String what) {
        String home = System.getProperty(property);
        if (home == null || !Files.isDirectory(Path.of(home))) {
            throw new IllegalStateException(what + " is not unpacked (system property " + property + " = " + home
                    + "); mvn verify unpacks it into target/servers");
        }
        return Path.of(home);
    }

    /** The last lines of a server's log, for a failure's message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private ServerProcesses() {
    }
}
