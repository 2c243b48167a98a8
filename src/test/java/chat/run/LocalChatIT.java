package chat.run;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.WorkDirs;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run command as a newcomer meets it ({@link LocalChat}, what {@code mvn -Prun package} runs),
 * started twice on the same data directory: a few readable lines, the address only once the
 * node is ready, logins as the demo user Pablo refused (503) or correct from the moment the
 * port opens, Payara's log in {@code .run/payara.log} without SEVERE, a restart that deploys
 * once and keeps the chat, and a Redis killed under it started again.
 */
class LocalChatIT {

    @Test
    void quietHonestAndCleanAcrossARestart() throws Exception {
        Path data = WorkDirs.fresh("run-");
        int port = Ports.free();
        String pabloFirst = runUntilReady(data, port, "first run", false);
        String pabloAgain = runUntilReady(data, port, "restart", true);
        assertEquals(pabloFirst, pabloAgain, "the restart keeps the chat (the same demo Pablo)");
    }

    /** Starts the run command, checks its console and log, stops it; returns the demo Pablo's id. */
    private static String runUntilReady(Path data, int port, String run, boolean killRedis) throws Exception {
        Process process = launch(data, port);
        List<String> console = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(process, console), "run-command-console");
        reader.setDaemon(true);
        reader.start();
        ChatHttp http = new ChatHttp("http://127.0.0.1:" + port);
        List<String> wrong = new ArrayList<>();
        String pablo = null;
        try {
            // From the start: each login as Pablo is refused (port closed, 503) or correct, never a registration.
            Await.until(run + ": the address on the console", Duration.ofMinutes(7), () -> {
                assertTrue(process.isAlive(), run + ": the run command exited: " + console);
                String ready = console.stream().filter(l -> l.contains("ready on http://localhost:" + port)).findFirst().orElse(null);
                ChatHttp.Reply login;
                try {
                    login = http.login("Pablo", "password123");
                } catch (UncheckedIOException portClosed) {
                    return ready != null;
                }
                if (login.status() == 200 && "Pablo".equals(login.object().getString("username"))) {
                    return ready != null;
                }
                if (login.status() != 503) {
                    wrong.add(login.status() + " " + abbreviate(login.body()));
                }
                return false;
            });
            assertEquals(List.of(), wrong, run + ": answers to a login as Pablo while starting");
            assertEquals(200, http.get("/health/ready").status(), run + ": the node is ready when the address is printed");
            ChatHttp.Reply login = http.login("Pablo", "password123");
            assertEquals(200, login.status(), run + ": the demo user logs in: " + login.body());
            pablo = login.object().getString("id");

            List<String> lines = console.stream().filter(l -> !l.isBlank()).toList();
            assertTrue(lines.size() <= 6, run + ": a handful of lines on the console: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("Redis started")), run + ": says Redis started: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("Pablo") && l.contains("password123")), run + ": names the demo users: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("Ctrl-C")), run + ": says how to stop: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains(data.resolve("payara.log").toString())), run + ": says where Payara's log is: " + lines);

            String log = Files.readString(data.resolve("payara.log"));
            assertFalse(log.contains("SEVERE"), run + ": no SEVERE in " + data.resolve("payara.log"));
            assertEquals(1, occurrences(log, "was successfully deployed"), run + ": the WAR is deployed once");
            if (!killRedis) {
                // A second run beside it (another port, the same directory) emptied its Payara root under it and started a
                // second Redis on its append-only file (found by a newcomer): it is refused and the first goes on.
                Process second = launch(data, Ports.free());
                assertTrue(second.waitFor(60, TimeUnit.SECONDS), run + ": a second run in the same directory stops at once");
                String said = new String(second.getInputStream().readAllBytes());
                assertEquals(1, second.exitValue(), said);
                assertTrue(said.contains("Another run of the chat uses"), said);
                assertEquals(200, http.get("/health/ready").status(), run + ": the first run goes on");
            }
            if (killRedis) {
                // Its Redis killed under it, the run command starts it again and the chat goes on with its data.
                ProcessHandle redis = process.descendants().filter(p -> p.info().command().orElse("").contains("redis-server"))
                        .findFirst().orElseThrow();
                redis.destroyForcibly();
                Await.until(run + ": says it starts Redis again", Duration.ofSeconds(30),
                        () -> console.stream().anyMatch(l -> l.contains("Redis exited") && l.contains("starting it again")));
                Await.until(run + ": Pablo logs in again", Duration.ofSeconds(60), () -> http.login("Pablo", "password123").status() == 200);
                assertEquals(pablo, http.login("Pablo", "password123").object().getString("id"), run + ": the same Pablo");
            }
        } finally {
            process.destroy(); // SIGTERM, as Ctrl-C: the run command stops Payara and its Redis
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), run + ": the run command stops");
        }
        Await.until(run + ": the port closed after the stop", Duration.ofSeconds(20), () -> {
            try {
                http.get("/health/live");
                return false;
            } catch (UncheckedIOException closed) {
                return true;
            }
        });
        return pablo;
    }

    private static Process launch(Path data, int port) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dchat.run.war=" + PayaraNode.war().toAbsolutePath(),
                "-Dchat.run.payaraMicro=" + PayaraNode.microJar().toAbsolutePath(),
                "-Dchat.run.dataDir=" + data,
                LocalChat.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("CHAT_"));
        env.put("PORT", String.valueOf(port));
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        return process;
    }

    private static void readLines(Process process, List<String> console) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                console.add(line);
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
