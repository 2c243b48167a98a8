package chat.operations;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisServerProcess;
import chat.testing.ServerProcesses;
import chat.testing.WorkDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Docker image's entrypoint ({@code docker/start-node.sh}) run on this machine, as the image
 * lays it out ({@code CHAT_HOME} holds Payara Micro, the WAR and the asadmin files): it serves a
 * node and stops it on {@code docker stop}'s SIGTERM; and a node whose port does not answer in time
 * (what Payara's listener race leaves) is killed and the script exits 1, so that the container's
 * restart policy starts it again. No Docker engine needed.
 */
class DockerEntrypointIT {

    private Path output; // the script's console (and Payara's), per test
    private final List<ProcessHandle> started = new ArrayList<>(); // killed after the test, orphaned or not

    @AfterEach
    void killWhatTheScriptLeft() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void servesANodeAndStopsItOnSigterm() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int port = Ports.free();
            Process script = entrypoint(port, Map.of("REDIS_URL", redis.url(), "CHAT_SERVER_ID", "docker-1"));
            try {
                ChatHttp http = new ChatHttp("http://127.0.0.1:" + port);
                Await.until("the node ready on port " + port, Duration.ofMinutes(4), () -> {
                    assertTrue(script.isAlive(), "the entrypoint exited");
                    return http.get("/health/ready").status() == 200;
                });
                List<ProcessHandle> java = script.descendants().toList();
                started.addAll(java);
                assertFalse(java.isEmpty(), "Payara runs under the script");
                script.destroy(); // SIGTERM, as docker stop sends it to the container's first process
                assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the entrypoint ends after SIGTERM");
                Await.until("Payara stopped with it", Duration.ofSeconds(30), () -> java.stream().noneMatch(ProcessHandle::isAlive));
            } finally {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
            }
        }
    }

    @Test
    void aNodeWhosePortDoesNotAnswerInTimeIsKilledAndTheScriptFails() throws Exception {
        int port = Ports.free();
        // Three seconds: no start is that fast, so the port is still closed, as the race leaves it.
        Process script = entrypoint(port, Map.of("REDIS_URL", "redis://127.0.0.1:" + Ports.free(), "START_LIMIT", "3"));
        try {
            Await.until("Payara started under the script", Duration.ofSeconds(30), () -> script.descendants().findAny().isPresent());
            List<ProcessHandle> java = script.descendants().toList();
            started.addAll(java);
            assertTrue(script.waitFor(2, TimeUnit.MINUTES), "the entrypoint gives up");
            assertEquals(1, script.exitValue(), "a failure, so the restart policy applies");
            Await.until("Payara killed", Duration.ofSeconds(30), () -> java.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
        assertTrue(Files.readString(output).contains("port " + port + " did not answer within 3 s"), Files.readString(output));
    }

    /** The script with a home laid out as in the image, and only these settings (plus the tests' usual ones). */
    private Process entrypoint(int port, Map<String, String> settings) throws IOException {
        Path home = WorkDirs.fresh("docker-");
        Files.createSymbolicLink(home.resolve("payara-micro.jar"), PayaraNode.microJar().toAbsolutePath());
        Files.createSymbolicLink(home.resolve("redis-chat.war"), PayaraNode.war().toAbsolutePath());
        for (String file : List.of("post-boot.asadmin", "listener-closed.asadmin", "listener-open.asadmin", "hot-paths.compile")) {
            Files.createSymbolicLink(home.resolve(file), Path.of("payara", file).toAbsolutePath());
        }
        output = home.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder("sh", "docker/start-node.sh").redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = new HashMap<>(PayaraNode.UNLIMITED);
        env.put("CHAT_HOME", home.toAbsolutePath().toString());
        env.put("PORT", String.valueOf(port));
        env.put("JAVA_OPTS", String.join(" ", PayaraNode.TEST_JVM));
        env.putAll(settings);
        ServerProcesses.replaceChatEnvironment(builder, env);
        return builder.start();
    }
}
