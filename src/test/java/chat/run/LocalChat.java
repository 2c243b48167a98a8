package chat.run;

import chat.testing.Await;
import chat.testing.PayaraNode;
import chat.testing.RedisServerProcess;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The README's run command ({@code mvn -Prun package}): the chat on http://localhost:8080 with
 * demo data. Unless REDIS_URL (or REDIS_ENDPOINT_URL / REDISSON_CONFIG) is set, it first starts
 * a real Redis on a free port, keeping its data in {@code .run/redis} so a restart keeps the
 * chat. Ctrl-C stops both.
 */
public final class LocalChat {

    public static void main(String[] args) throws Exception {
        Path war = Path.of(System.getProperty("chat.run.war", "target/redis-chat.war"));
        Path micro = Path.of(System.getProperty("chat.run.payaraMicro", "target/payara-micro.jar"));
        Path data = Path.of(System.getProperty("chat.run.dataDir", ".run"));
        int httpPort = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        if (!isFree(httpPort)) {
            System.err.println("Port " + httpPort + " is taken; set PORT to another one.");
            System.exit(1);
        }
        Files.createDirectories(data);

        RedisServerProcess redis = null;
        ProcessBuilder payara = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", micro.toString(), "--postbootcommandfile", PayaraNode.POST_BOOT.toString(), "--deploy", war.toString(), "--contextroot", "/", "--port", String.valueOf(httpPort),
                "--nocluster", "--nohostaware", "--rootdir", data.resolve("payara").toString())).inheritIO();
        boolean redisConfigured = System.getenv("REDIS_URL") != null || System.getenv("REDIS_ENDPOINT_URL") != null
                || System.getenv("REDISSON_CONFIG") != null;
        if (!redisConfigured) {
            redis = RedisServerProcess.start(freePort(), data.resolve("redis").toAbsolutePath(), true);
            payara.environment().put("REDIS_URL", redis.url());
            System.out.println("Started Redis on " + redis.url() + " (data in " + data.resolve("redis") + ")");
        }
        Process node = payara.start();
        RedisServerProcess startedRedis = redis;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.destroy();
            try {
                node.waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (startedRedis != null) {
                startedRedis.stop();
            }
        }));
        HttpClient http = HttpClient.newHttpClient();
        Await.until("the chat on port " + httpPort, Duration.ofMinutes(5), () -> {
            if (!node.isAlive()) {
                throw new IllegalStateException("Payara Micro exited");
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/api/randomname")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.println();
        System.out.println("  redis-chat is running on http://localhost:" + httpPort
                + "  (demo users Pablo, Joe, Mary, Alex; password password123). Ctrl-C stops it.");
        System.out.println();
        int exit = node.waitFor();
        System.exit(exit);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
