package chat.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registers the benchmark's users once (bcrypt makes each login cost ~70 ms of server CPU, so a
 * few run in parallel) and keeps their session cookies: every workload reuses them, on any node,
 * since sessions live in Redis.
 */
final class BenchUsers {

    record User(int index, String id, String name, String cookie) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<User> users = new ArrayList<>();
    private final String loginPath;
    private final String cookieName;

    /** redis-chat's users. */
    BenchUsers() {
        this("/api/login", "chat_session");
    }

    /** @param cookieName the session cookie's name (or its end: redis-chat prefixes it on HTTPS) */
    BenchUsers(String loginPath, String cookieName) {
        this.loginPath = loginPath;
        this.cookieName = cookieName;
    }

    User get(int index) {
        return users.get(index);
    }

    int size() {
        return users.size();
    }

    /** Makes sure users 0..count-1 exist and are logged in. */
    void ensure(String baseUrl, int count, int threads) throws Exception {
        if (users.size() >= count) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<User>> futures = new ArrayList<>();
            for (int i = users.size(); i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> login(baseUrl, index)));
            }
            for (Future<User> f : futures) {
                users.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    private User login(String baseUrl, int index) {
        String name = "bench_" + index;
        String body = Json.createObjectBuilder().add("username", name).add("password", "bench-password").build().toString();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = post(baseUrl + loginPath, body, null);
            if (response.statusCode() == 200 || response.statusCode() == 201) {
                String cookie = response.headers().allValues("set-cookie").stream()
                        .map(c -> c.split(";", 2)[0].trim())
                        .filter(c -> c.substring(0, Math.max(0, c.indexOf('='))).endsWith(cookieName))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no session cookie for " + name));
                JsonObject user = parse(response.body());
                return new User(index, user.get("id").toString().replace("\"", ""), name, cookie);
            }
            if (attempt >= 5) {
                throw new IllegalStateException("login of " + name + " answered " + response.statusCode() + " " + response.body());
            }
            sleep(500L * attempt);
        }
    }

    /** Creates (or finds) the private room of two users; returns its id. */
    String privateRoom(String baseUrl, User a, User b) {
        String body = Json.createObjectBuilder().add("user1", a.id()).add("user2", b.id()).build().toString();
        HttpResponse<String> response = post(baseUrl + "/api/room", body, a.cookie());
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/room answered " + response.statusCode() + " " + response.body());
        }
        return parse(response.body()).getString("id");
    }

    /** Creates a public channel with the user as its first member; returns its id. */
    String channel(String baseUrl, User creator, String name) {
        String body = Json.createObjectBuilder().add("name", name).build().toString();
        HttpResponse<String> response = post(baseUrl + "/api/channels", body, creator.cookie());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/channels answered " + response.statusCode() + " " + response.body());
        }
        return parse(response.body()).getString("id");
    }

    /** The user joins a public channel. */
    void join(String baseUrl, User user, String channelId) {
        HttpResponse<String> response = post(baseUrl + "/api/channels/" + channelId + "/join", "{}", user.cookie());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /api/channels/" + channelId + "/join answered " + response.statusCode() + " " + response.body());
        }
    }

    /** Whether the server shows the user online (any socket on any node). */
    boolean online(String baseUrl, User asker, User user) {
        HttpResponse<String> response = get(baseUrl + "/api/users?ids=" + user.id(), asker.cookie());
        if (response.statusCode() != 200) {
            return false;
        }
        JsonObject entry = parse(response.body()).getJsonObject(user.id());
        return entry != null && entry.getBoolean("online", false);
    }

    private HttpResponse<String> post(String url, String body, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.build());
    }

    private HttpResponse<String> get(String url, String cookie) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Cookie", cookie).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
