package chat.operations;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.Executables;
import chat.testing.NginxProxy;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Scrape;
import chat.testing.Users;
import chat.testing.WorkDirs;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code payara/launch-nodes.sh} as an operator runs it: two nodes on consecutive ports against
 * one Redis, each with its own server id, chatting with each other; and, when nginx is installed,
 * {@code payara/nginx.conf} in front of them carrying HTTP and WebSocket traffic.
 */
class LaunchScriptIT {

    static RedisServerProcess redis;
    static Path runDir;
    static int basePort;

    @BeforeAll
    static void launch() throws Exception {
        redis = RedisServerProcess.start();
        runDir = WorkDirs.fresh("launch-");
        basePort = consecutiveFreePorts();
        Process script = script("--detach").redirectOutput(runDir.resolve("launch.out").toFile()).start();
        assertTrue(script.waitFor(6, TimeUnit.MINUTES), "the script returns once the nodes are ready");
        assertEquals(0, script.exitValue(), Files.readString(runDir.resolve("launch.out")));
    }

    @AfterAll
    static void stop() throws Exception {
        Process stop = script("--stop").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        stop.waitFor(2, TimeUnit.MINUTES);
        redis.close();
    }

    @Test
    void nodesOnConsecutivePortsChatThroughOneRedisWithTheirOwnIds() {
        String one = "http://127.0.0.1:" + basePort;
        String two = "http://127.0.0.1:" + (basePort + 1);
        for (String node : List.of(one, two)) {
            assertEquals(200, new ChatHttp(node).get("/health/ready").status(), node);
        }
        try (RedisProbe probe = new RedisProbe(redis.url())) {
            Await.until("both ids in the presence registry", Duration.ofSeconds(30),
                    () -> probe.set("chat:{presence}:nodes").containsAll(Set.of("chat-1", "chat-2")));
        }
        chat(one, two, one.replace("http", "ws") + "/ws", two.replace("http", "ws") + "/ws");
        assertTrue(Scrape.of(new ChatHttp(one).metrics().body()).value("chat_messages_sent_total") >= 1);
    }

    @Test
    void nginxBalancesHttpAndWebSocketsAcrossTheNodes() throws Exception {
        assumeTrue(Executables.onPath("nginx"), "nginx not installed");
        try (NginxProxy nginx = new NginxProxy(basePort, basePort + 1, config -> config)) {
            chat(nginx.baseUrl(), nginx.baseUrl(), nginx.wsUrl(), nginx.wsUrl());
        }
    }

    /** The node refuses the setting and Payara Micro runs on without the application: the script used to wait out its patience. */
    @Test
    void aSettingTheNodeRefusesIsReportedByName() throws Exception {
        Path otherRun = WorkDirs.fresh("launch-refused-");
        ProcessBuilder builder = script("--detach", otherRun, consecutiveFreePorts());
        builder.environment().put("NODES", "1");
        builder.environment().put("CHAT_MAX_MESSAGE_LENGTH", "abc");
        builder.environment().put("READY_TIMEOUT", "150");
        Process refused = builder.redirectOutput(otherRun.resolve("launch.out").toFile()).start();
        assertTrue(refused.waitFor(4, TimeUnit.MINUTES), "the script returns");
        String output = Files.readString(otherRun.resolve("launch.out"));
        assertEquals(1, refused.exitValue(), output);
        assertTrue(output.contains("did not start: Invalid settings: CHAT_MAX_MESSAGE_LENGTH must be a whole number"), output);
    }

    /** Ann on the first address, Bob on the second; a message from Ann reaches Bob. */
    private static void chat(String annBase, String bobBase, String annWs, String bobWs) {
        ChatHttp ann = new ChatHttp(annBase);
        ann.loggedIn(Users.unique("ann"), "pw");
        ChatHttp bob = new ChatHttp(bobBase);
        bob.loggedIn(Users.unique("bob"), "pw");
        assertEquals(200, ann.get("/api/me").status(), "the session works on whichever node answers");
        try (ChatSocketClient annSocket = ChatSocketClient.connect(annWs, ann.cookieHeader(), annBase);
             ChatSocketClient bobSocket = ChatSocketClient.connect(bobWs, bob.cookieHeader(), bobBase)) {
            String text = "launched " + Users.unique("m");
            annSocket.sendMessage("0", text);
            JsonObject received = bobSocket.awaitMessage(text);
            assertEquals(text, received.getJsonObject("data").getString("message"));
        }
    }

    private static ProcessBuilder script(String argument) {
        return script(argument, runDir, basePort);
    }

    private static ProcessBuilder script(String argument, Path runDir, int basePort) {
        ProcessBuilder builder = new ProcessBuilder("bash", "payara/launch-nodes.sh", argument).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("CHAT_"));
        env.put("NODES", "2");
        env.put("BASE_PORT", String.valueOf(basePort));
        env.put("REDIS_URL", redis.url());
        env.put("RUN_DIR", runDir.toAbsolutePath().toString());
        env.put("WAR", PayaraNode.war().toAbsolutePath().toString());
        env.put("PAYARA_MICRO", PayaraNode.microJar().toAbsolutePath().toString());
        env.put("JAVA_OPTS", String.join(" ", PayaraNode.TEST_JVM));
        env.putAll(PayaraNode.UNLIMITED); // the script passes every CHAT_* setting on
        return builder;
    }

    private static int consecutiveFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = Ports.free();
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
