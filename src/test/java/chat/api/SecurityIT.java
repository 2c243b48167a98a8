package chat.api;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatSocketClient;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.RawHttp;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import chat.testing.Users;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's attacks, each repeated against one node with the default limits (docs/SECURITY.md);
 * a few limits are lowered so that a test needs fewer requests to reach them. Clients sit behind
 * a "proxy" (127.0.0.1 is trusted) at addresses of their own.
 */
class SecurityIT {

    static final String PASSWORD = "correct horse";
    static final int ADDRESS_FAILURES = 8;
    static final int SESSIONS_PER_USER = 3;

    static RedisServerProcess redisServer;
    static RedisProbe redis;
    static PayaraNode node;
    static final AtomicInteger addresses = new AtomicInteger(1);

    @BeforeAll
    static void start() {
        redisServer = RedisServerProcess.start();
        redis = new RedisProbe(redisServer.url());
        Map<String, String> defaults = new HashMap<>();
        PayaraNode.UNLIMITED.keySet().forEach(k -> defaults.put(k, "")); // empty = the built-in default
        defaults.put("CHAT_TRUSTED_PROXIES", "127.0.0.1");
        defaults.put("CHAT_LOGIN_ADDRESS_FAILURES", String.valueOf(ADDRESS_FAILURES));
        defaults.put("CHAT_SESSIONS_PER_USER", String.valueOf(SESSIONS_PER_USER));
        defaults.put("CHAT_ALLOWED_ORIGINS", "https://chat.example");
        defaults.put("CHAT_HOSTS", "chat.internal");
        node = PayaraNode.start("secured", redisServer.url(), defaults);
    }

    @AfterAll
    static void stop() {
        node.close();
        redis.close();
        redisServer.close();
    }

    static String newAddress() {
        int n = addresses.getAndIncrement();
        return "10.2." + (n / 250) + "." + (n % 250 + 1);
    }

    static Reply login(ChatHttp http, String username, String password, String address) {
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/login")).header("X-Forwarded-For", address)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        Json.createObjectBuilder().add("username", username).add("password", password).build().toString())));
    }

    /** A user registered from a browser of their own, which now holds their device cookie. */
    static ChatHttp registered(String username) {
        ChatHttp browser = new ChatHttp(node);
        Reply reply = login(browser, username, PASSWORD, newAddress());
        assertEquals(201, reply.status(), reply.body());
        return browser;
    }

    // ---- 1. login defence without lockout

    @Test
    void guessesFromOneAddressLockOutOnlyUnrecognisedBrowsersOfTheVictim() {
        String victim = Users.unique("victim");
        ChatHttp victimsBrowser = registered(victim);
        List<String> others = IntStream.range(0, 3).mapToObj(i -> Users.unique("colleague")).toList();
        others.forEach(SecurityIT::registered);
        String office = newAddress();

        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            guesses.add(login(new ChatHttp(node), victim, "guess-" + i, office).status());
        }
        assertEquals(List.of(401, 401, 401, 401, 401), guesses.subList(0, 5), "five guesses are checked");
        assertTrue(guesses.subList(5, 12).stream().allMatch(s -> s == 429), "then unrecognised browsers wait: " + guesses);

        for (String colleague : others) {
            assertEquals(200, login(new ChatHttp(node), colleague, PASSWORD, office).status(),
                    "another user's correct password from the same address is never refused");
        }
        Reply own = login(victimsBrowser, victim, PASSWORD, office);
        assertEquals(200, own.status(), "the victim's own browser logs in from the attacked address: " + own.body());
        Reply unrecognised = login(new ChatHttp(node), victim, PASSWORD, newAddress());
        assertEquals(429, unrecognised.status(), "a browser that never logged in as the victim waits");
        assertTrue(Long.parseLong(unrecognised.headers("Retry-After").get(0)) <= 15 * 60);
    }

    @Test
    void parallelGuessesAreCountedBeforeBcryptSoOnlyTheAllowanceIsChecked() throws Exception {
        String victim = Users.unique("parallel");
        registered(victim);
        String address = newAddress();
        ExecutorService pool = Executors.newFixedThreadPool(80);
        try {
            List<CompletableFuture<Integer>> answers = IntStream.range(0, 80)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> login(new ChatHttp(node), victim, "guess-" + i, address).status(), pool))
                    .toList();
            Map<Integer, Integer> byStatus = new LinkedHashMap<>();
            for (CompletableFuture<Integer> answer : answers) {
                byStatus.merge(answer.get(), 1, Integer::sum);
            }
            // A guess that waited too long for bcrypt (503, a busy node) was never checked and is no failure.
            assertTrue(byStatus.getOrDefault(401, 0) <= 5, "at most five guesses were checked by bcrypt: " + byStatus);
            assertEquals(80, byStatus.values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(byStatus.getOrDefault(429, 0) >= 70, "the rest waited without bcrypt: " + byStatus);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Three clients each run forty correct logins at once, with accounts of their own, to keep the
     * node's bcrypt busy. A user at another address still logs in: its check waits for at most one
     * turn per busy address. Before, all waited in one queue (120 checks of ~70 ms), and after 5 s
     * the node answered 503 "Too many logins at once".
     */
    @Test
    void aFloodOfLoginsFromOtherAddressesDoesNotHoldUpAnotherUsersLogin() throws Exception {
        record Flooder(String address, List<String> accounts) {
        }
        List<Flooder> flooders = IntStream.range(0, 3).mapToObj(i -> new Flooder(newAddress(),
                List.of(Users.unique("flood"), Users.unique("flood")))).toList();
        flooders.forEach(f -> f.accounts().forEach(name -> assertEquals(201, login(new ChatHttp(node), name, PASSWORD, f.address()).status())));
        String user = Users.unique("patient");
        registered(user);

        ExecutorService pool = Executors.newFixedThreadPool(120);
        AtomicInteger floodAnswers = new AtomicInteger();
        AtomicBoolean flooding = new AtomicBoolean(true);
        try {
            for (Flooder flooder : flooders) {
                for (int i = 0; i < 40; i++) {
                    String account = flooder.accounts().get(i % 2);
                    pool.submit(() -> {
                        ChatHttp http = new ChatHttp(node);
                        while (flooding.get()) {
                            login(http, account, PASSWORD, flooder.address());
                            floodAnswers.incrementAndGet();
                        }
                    });
                }
            }
            Await.until("the flood is answered", Duration.ofSeconds(30), () -> floodAnswers.get() >= 3);
            for (int i = 0; i < 3; i++) {
                // Asked again after a 503, as the login page does: on 2 cores starved by the other test JVM the checks
                // already in line took longer than the 5 s wait once (one of three logins; passed in every other run).
                // Before, the whole flood stood in one line ahead of every try.
                String address = newAddress();
                Reply reply = login(new ChatHttp(node), user, PASSWORD, address);
                for (int again = 0; again < 2 && reply.status() == 503; again++) {
                    reply = login(new ChatHttp(node), user, PASSWORD, address);
                }
                assertEquals(200, reply.status(), "login " + i + " during the flood: " + reply.body());
            }
        } finally {
            flooding.set(false);
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "the flood ended");
        }
    }

    /**
     * Attempts count as failures until bcrypt says otherwise, so correct passwords typed in many
     * new browsers at once can be refused for a moment; before, they were told "Too many failed
     * logins" and to come back in 15 minutes, although none had failed (found from outside).
     */
    @Test
    void correctLoginsAtOnceAreToldToComeBackInAMomentNotThatTheyFailed() throws Exception {
        String user = Users.unique("tabs");
        registered(user);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(pool.submit(() -> login(new ChatHttp(node), user, PASSWORD, newAddress())));
            }
            int refused = 0;
            for (Future<Reply> future : replies) {
                Reply reply = future.get(60, TimeUnit.SECONDS);
                if (reply.status() == 429) {
                    refused++;
                    assertEquals("Other logins as this user are being checked right now; try again in a moment",
                            reply.object().getString("message"));
                    assertEquals(List.of("1"), reply.headers("Retry-After"));
                } else {
                    assertEquals(200, reply.status(), reply.body());
                }
            }
            assertTrue(refused > 0, "twenty at once are more than the five attempts allowed in flight");
        } finally {
            pool.shutdown();
        }
        assertEquals(200, login(new ChatHttp(node), user, PASSWORD, newAddress()).status(), "none of them was a failure");
    }

    @Test
    void anAttackersOwnSuccessfulLoginResetsNothing() {
        String victim = Users.unique("sprayed");
        registered(victim);
        String attacker = Users.unique("attacker");
        ChatHttp attackersBrowser = registered(attacker);
        String address = newAddress();
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(attackersBrowser, victim, "guess-" + i, address).status());
        }
        assertEquals(200, login(attackersBrowser, attacker, PASSWORD, address).status());
        assertEquals(429, login(attackersBrowser, victim, "guess-5", address).status());
    }

    @Test
    void aRecognisedBrowserHasItsOwnSmallAllowance() {
        String user = Users.unique("typo");
        ChatHttp browser = registered(user);
        String address = newAddress();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            statuses.add(login(browser, user, "typo-" + i, address).status());
        }
        assertEquals(10, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        assertEquals(429, statuses.get(10));
        assertEquals(200, login(new ChatHttp(node), user, PASSWORD, newAddress()).status(),
                "a locked device locks out nobody else");
    }

    @Test
    void anAddressThatFailedOftenMayStillTryUsersThatHaveNotFailed() {
        String sprayer = newAddress();
        List<String> targets = IntStream.range(0, ADDRESS_FAILURES + 2).mapToObj(i -> Users.unique("target")).toList();
        targets.forEach(SecurityIT::registered);
        for (int i = 0; i < ADDRESS_FAILURES; i++) {
            assertEquals(401, login(new ChatHttp(node), targets.get(i), "spray", sprayer).status());
        }
        Reply refused = login(new ChatHttp(node), targets.get(0), "spray-again", sprayer);
        assertEquals(429, refused.status(), "an address over its allowance may not try a user that already failed again");
        // Not "too many failed logins for this user": one colleague's typo and someone else's guesses made it.
        assertEquals("Too many failed logins from your network; try again later or use a browser you logged in with before",
                refused.object().getString("message"));
        assertEquals(200, login(new ChatHttp(node), targets.get(ADDRESS_FAILURES), PASSWORD, sprayer).status(),
                "but a user without failures logs in from it");
        assertEquals(200, login(new ChatHttp(node), targets.get(0), PASSWORD, newAddress()).status(),
                "and the sprayed user from elsewhere (one failure is within the allowance)");
    }

    @Test
    void aUserHasAtMostThreeLiveSessionsTheOldestEnd() {
        String user = Users.unique("many");
        List<ChatHttp> browsers = new ArrayList<>();
        browsers.add(registered(user));
        for (int i = 0; i < 4; i++) {
            ChatHttp browser = new ChatHttp(node);
            assertEquals(200, login(browser, user, PASSWORD, newAddress()).status());
            browsers.add(browser);
        }
        List<Integer> me = browsers.stream().map(b -> b.get("/api/me").status()).toList();
        assertEquals(List.of(401, 401, 200, 200, 200), me);
    }

    // ---- 2. CSRF without a browser (the browser's side: chat.browser.CrossSiteIT)

    @Test
    void stateChangingCallsAcceptOnlyJsonFromTheirOwnOrigin() {
        ChatHttp browser = registered(Users.unique("csrf"));
        String body = "{\"username\":\"nobody-here\",\"password\":\"" + PASSWORD + "\"}";
        for (String path : List.of("/api/login", "/api/logout", "/api/room", "/api/password", "/api/logout/others")) {
            Reply plain = browser.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertEquals(415, plain.status(), path);
            Reply form = browser.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("a=b")));
            assertEquals(415, form.status(), path);
            Reply foreign = browser.send(json(path, body).header("Origin", "https://evil.example"));
            assertEquals(403, foreign.status(), path);
            Reply sibling = browser.send(json(path, body).header("Origin", "http://127.0.0.1:" + (node.port() + 1)));
            assertEquals(403, sibling.status(), path + ": another port is another origin");
            Reply sameSite = browser.send(json(path, body).header("Sec-Fetch-Site", "same-site"));
            assertEquals(403, sameSite.status(), path);
            assertTrue(foreign.object().getString("message").length() > 0);
        }
        assertEquals(200, browser.get("/api/me").status(), "none of it logged the browser out");
        assertEquals(200, browser.send(json("/api/logout/others", "{}").header("Origin", node.origin())
                .header("Sec-Fetch-Site", "same-origin")).status(), "the page's own origin is fine");
        assertEquals(200, browser.send(json("/api/logout/others", "{}").header("Origin", "https://chat.example")).status(),
                "and so is CHAT_ALLOWED_ORIGINS");
        assertEquals(204, browser.send(json("/api/logout", "").header("Origin", node.origin())).status());
    }

    /**
     * JSON is UTF-8 (RFC 8259). Before, a made-up charset reached the API's decoding and answered
     * 500 with a stack trace in the log, for anyone, logged in or not; bytes that are not UTF-8 were
     * stored as U+FFFD, a text nobody wrote.
     */
    @Test
    void bodiesInAnotherCharsetOrNotInUtf8AreRefusedWithoutATraceInTheLog() {
        String user = Users.unique("utf");
        ChatHttp browser = registered(user);
        long severe = node.logLines("SEVERE");
        String login = "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}";
        for (String type : List.of("application/json; charset=bogus", "application/json;charset=iso-8859-1", "application/json; charset=utf-16")) {
            Reply refused = browser.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/login"))
                    .header("Content-Type", type).header("X-Forwarded-For", newAddress()).POST(HttpRequest.BodyPublishers.ofString(login)));
            assertEquals(415, refused.status(), type + ": " + refused.body());
            assertEquals("Send the request as application/json in UTF-8", refused.object().getString("message"), type);
        }
        for (String type : List.of("application/json; charset=UTF-8", "application/json; charset=\"utf-8\"", "Application/JSON")) {
            Reply accepted = browser.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/login"))
                    .header("Content-Type", type).header("X-Forwarded-For", newAddress()).POST(HttpRequest.BodyPublishers.ofString(login)));
            assertEquals(200, accepted.status(), type + ": " + accepted.body());
        }
        String name = Users.unique("bad");
        byte[] notUtf8 = ("{\"name\":\"" + name + "\u0000\"}").getBytes(StandardCharsets.UTF_8);
        notUtf8[notUtf8.length - 3] = (byte) 0xff; // where the NUL was
        Reply refused = browser.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/channels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8)));
        assertEquals(400, refused.status(), refused.body());
        assertEquals("The request body is not valid UTF-8", refused.object().getString("message"));
        assertTrue(browser.get("/api/channels").body().indexOf(name) < 0, "no channel of that name");
        assertEquals(severe, node.logLines("SEVERE"), "nothing SEVERE in " + node.log());
    }

    private static HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    // ---- 3. names

    @Test
    void lookAlikesOfAnExistingNameAreRefusedAndExistingNamesStillLogIn() {
        String base = "Pablo" + Users.unique("x").substring(1);
        registered(base);
        for (String lookAlike : List.of(base.toLowerCase(), base.toUpperCase(), base.replace('a', '\u0430'),
                base.replace("P", "Ｐ"), "\uD835\uDC0F" + base.substring(1), base.replace("o", "0"),
                base.replaceFirst("l", "I") /* capital i */, base.replaceFirst("l", "1"))) {
            Reply reply = login(new ChatHttp(node), lookAlike, PASSWORD, newAddress());
            assertEquals(409, reply.status(), lookAlike + " → " + reply.body());
        }
        // Signing in as a look-alike: not "no account named ...", on which the page offers to create what would be refused.
        Reply signIn = new ChatHttp(node).post("/api/login", Json.createObjectBuilder().add("username", base.replace('a', '\u0430'))
                .add("password", PASSWORD).add("mode", "signin").build().toString());
        assertEquals(409, signIn.status(), signIn.body());
        assertTrue(signIn.object().getString("message").contains("looks like " + base + "'s name"), signIn.body());
        for (String invisible : List.of(base + "\u3164", base.substring(0, 2) + "\u200B" + base.substring(2), base + "\u00A0x")) {
            assertEquals(400, login(new ChatHttp(node), invisible, PASSWORD, newAddress()).status(), invisible);
        }
        assertEquals(200, login(new ChatHttp(node), base, PASSWORD, newAddress()).status());
        // A Greek τ is no confusable of a t in UTS #39's data: a word mixing scripts so is refused for what it is (found from outside).
        String greek = "\u03C4om" + Users.unique("x").substring(1);
        Reply mixed = login(new ChatHttp(node), greek, PASSWORD, newAddress());
        assertEquals(400, mixed.status(), mixed.body());
        assertEquals("Username must not mix scripts within a word, as look-alike names do: '" + greek + "' mixes Greek and Latin letters",
                mixed.object().getString("message"));
    }

    @Test
    void usersTheSeedWroteKeepTheirExactNamesAndClaimTheirSkeletons() {
        String seedName = "Zoë" + Users.unique("s").substring(1);
        String spaced = "old timer " + Users.unique("s"); // the seed accepts any name
        for (String name : List.of(seedName, spaced)) {
            seedWrites(name, "pw"); // short: from before the minimum length
            Reply exact = login(new ChatHttp(node), name, "pw", newAddress());
            assertEquals(200, exact.status(), name + " → " + exact.body());
        }
        Reply lookAlike = login(new ChatHttp(node), seedName.toUpperCase(), PASSWORD, newAddress());
        assertEquals(409, lookAlike.status(), "a look-alike of a name only the seed knew: " + lookAlike.body());
    }

    /** A user as the seed's Node.js server writes one: no skeleton claimed, a $2b$ hash. */
    private static void seedWrites(String name, String password) {
        String id = String.valueOf(redis.client().getAtomicLong("total_users").incrementAndGet());
        String seedHash = "$2b$" + BCrypt.hashpw(password, BCrypt.gensalt(10)).substring(4);
        redis.client().getMap("user:" + id).putAll(Map.of("username", name, "password", seedHash));
        redis.client().getBucket("username:" + name).set("user:" + id);
    }

    // ---- 4. no stalls

    @Test
    void slowBodiesFromHundredsOfClientsStallNoOneElse() throws Exception {
        ChatHttp bystander = registered(Users.unique("bystander"));
        String name = Users.unique("latecomer");
        registered(name);
        List<Socket> attackers = new ArrayList<>();
        long severeBefore = node.logLines("SEVERE");
        try (ChatSocketClient socket = ChatSocketClient.connect(node, bystander)) {
            for (int i = 0; i < 260; i++) {
                Socket s = new Socket("127.0.0.1", node.port());
                s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:" + node.port()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                attackers.add(s);
            }
            for (int round = 0; round < 3; round++) {
                trickle(attackers);
                assertServedPromptly(name, socket, "slow bodies, round " + round);
            }
            java.util.Set<Socket> refused = new java.util.HashSet<>();
            Await.until("every slow body refused (408) or cut off", Duration.ofSeconds(40), () -> {
                attackers.stream().filter(s -> !refused.contains(s) && answeredOrClosed(s)).forEach(refused::add);
                return refused.size() == attackers.size();
            });
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
        assertEquals(severeBefore, node.logLines("SEVERE"), "no stack traces for clients that went away");
    }

    @Test
    void hugeBodiesAreRefusedUnread() {
        Reply huge = new ChatHttp(node).send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[50 * 1024 * 1024])));
        assertEquals(413, huge.status());
        assertTrue(huge.object().getString("message").contains("65536"));
    }

    /**
     * A body somewhat over the limit, sent in parts by a client that offers HTTP/2 and reads the
     * answer only once it has written it all, as the JDK's HTTP client does: the node reads the body to its end before
     * it answers 413 and closes, so every write goes through and the answer arrives. Answered and
     * closed while the body was still arriving, the connection was reset under the client's next
     * write, and the JDK's client once got "header parser received no bytes" instead (FuzzIT).
     */
    @Test
    void aBodySomewhatTooLargeIsReadToItsEndBeforeTheRefusal() throws IOException {
        byte[] part = new byte[8 * 1024];
        int parts = 14; // 114,688 bytes: over the 64 KiB limit, under the 1 MiB still read
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            // Offering HTTP/2 as the JDK's client does: Grizzly then leaves the rest of the connection to the new
            // protocol, so it does not read an unread body to its end itself.
            out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Type: application/json\r\nContent-Length: "
                    + part.length * parts + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < parts; i++) {
                out.write(part);
                out.flush();
                Await.hold(Duration.ofMillis(30)); // the client's schedule: the body keeps arriving after the limit is passed
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("65536"), answer);
        }
    }

    @Test
    void catchUpPagesAreCappedAndPageOnWhileOthersChat() throws Exception {
        ChatHttp reader = registered(Users.unique("reader"));
        String partner = registered(Users.unique("partner")).get("/api/me").object().getString("id");
        String readerId = reader.get("/api/me").object().getString("id");
        Reply opened = reader.post("/api/room", "{\"user1\":\"" + readerId + "\",\"user2\":\"" + partner + "\"}");
        assertEquals(201, opened.status(), opened.body());
        String room = opened.object().getString("id");
        String marker = Users.unique("bulk");
        long date = Instant.now().getEpochSecond() - 3600;
        Map<String, Double> messages = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            String id = (date + i / 1000) + "-" + String.format("%012d", 900_000_000L + i);
            messages.put("{\"id\":\"" + id + "\",\"from\":\"" + readerId + "\",\"date\":" + (date + i / 1000) + ",\"message\":\""
                    + marker + " " + i + " " + "x".repeat(1000) + "\",\"roomId\":\"" + room + "\"}", (double) (date + i / 1000));
        }
        redis.client().<String>getScoredSortedSet("room:" + room, org.redisson.client.codec.StringCodec.INSTANCE).addAll(messages);
        String path = "/api/room/" + room + "/messages?after=";

        String name = Users.unique("chatter");
        ChatHttp chatter = registered(name);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ChatSocketClient socket = ChatSocketClient.connect(node, chatter)) {
            List<CompletableFuture<Reply>> floods = IntStream.range(0, 6)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> reader.get(path + "0-0"), pool)).toList();
            assertServedPromptly(name, socket, "six catch-ups of 30,000 messages");
            int pages = 0;
            for (CompletableFuture<Reply> flood : floods) {
                Reply reply = flood.get();
                if (reply.status() == 200) {
                    assertEquals(500, reply.array().size(), "one page is at most 500 messages");
                    pages++;
                } else { // a Redis answer slower than Redisson's timeout on a crowded machine: refused, nothing stalls
                    assertEquals(503, reply.status(), reply.body());
                }
            }
            assertTrue(pages >= 1, "catch-up pages were served");
        } finally {
            pool.shutdownNow();
        }
        String after = "0-0";
        int seen = 0;
        for (int page = 0; page < 100; page++) {
            String from = after;
            // the reader's own API allowance (100, then 20/s) may ask it to wait: it waits, as the client does
            List<jakarta.json.JsonValue> messagesPage = Await.value("the page after " + from, Duration.ofSeconds(30), () -> {
                Reply reply = reader.get(path + from);
                return reply.status() == 200 ? reply.array() : null;
            });
            seen += (int) messagesPage.stream().filter(m -> m.asJsonObject().getString("message").startsWith(marker)).count();
            if (messagesPage.size() < 500) {
                break;
            }
            after = messagesPage.get(messagesPage.size() - 1).asJsonObject().getString("id");
        }
        assertEquals(30_000, seen, "asking again after the last message fetches the rest");
    }

    /**
     * Another user logs in, and a message makes its round trip, each within 5 s (a stalled node
     * answered nothing for 45 s; the printed times are what to look at on a quiet machine).
     */
    private static void assertServedPromptly(String username, ChatSocketClient socket, String during) {
        long start = System.nanoTime();
        assertEquals(200, login(new ChatHttp(node), username, PASSWORD, newAddress()).status());
        long loginMillis = (System.nanoTime() - start) / 1_000_000;
        String text = "still here " + Users.unique("m");
        long sent = System.nanoTime();
        socket.sendMessage("0", text);
        socket.await("message", m -> text.equals(m.getString("message")), Duration.ofSeconds(5));
        long roundTripMillis = (System.nanoTime() - sent) / 1_000_000;
        System.out.printf("during %s: another user's login %d ms, message round trip %d ms%n", during, loginMillis, roundTripMillis);
        assertTrue(loginMillis < 5000, "login took " + loginMillis + " ms during " + during);
    }

    private static void trickle(List<Socket> attackers) {
        for (Socket s : attackers) {
            try {
                OutputStream out = s.getOutputStream();
                out.write(' ');
                out.flush();
            } catch (IOException closedByServer) {
                // refused already
            }
        }
    }

    private static boolean answeredOrClosed(Socket s) {
        try {
            s.setSoTimeout(200);
            InputStream in = s.getInputStream();
            byte[] start = in.readNBytes(12);
            return start.length == 0 || new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408");
        } catch (IOException e) {
            return e instanceof java.net.SocketTimeoutException ? false : true;
        }
    }

    // ---- 5. less to leak

    @Test
    void nothingNamesTheServerOrItsInnards() {
        ChatHttp anyone = new ChatHttp(node);
        for (String path : List.of("/", "/api/randomname", "/nope.html", "/api/nope", "/api/application.wadl", "/openapi/application.wadl", "/metrics")) {
            Reply reply = anyone.get(path);
            assertTrue(reply.headers("Server").isEmpty(), path + " Server: " + reply.headers("Server"));
            assertTrue(reply.headers("X-Powered-By").isEmpty(), path);
            assertFalse(reply.headers("Content-Security-Policy").isEmpty(), path + " has the security headers");
            assertEquals("nosniff", reply.headers("X-Content-Type-Options").get(0), path);
            if (reply.status() >= 400) {
                assertTrue(reply.headers("Content-Type").get(0).startsWith("application/json"), path);
                assertTrue(reply.object().getString("message").length() > 0, path);
            }
        }
        assertEquals(404, anyone.get("/api/application.wadl").status(), "no WADL");
        assertEquals(404, anyone.get("/openapi/application.wadl").status(), "nor from Payara's own OpenAPI endpoint (found from outside)");
        assertEquals(404, anyone.get("/metrics").status(), "no /metrics without CHAT_METRICS_TOKEN");
        Reply put = anyone.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/index.html"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertTrue(put.status() >= 400 && put.headers("Content-Type").get(0).startsWith("application/json"), put.body());
    }

    /**
     * What the launch's pre-boot commands (payara/listener-closed.asadmin) set is in force: no
     * {@code Server} header, also on the container's own answers, no HTTP/2 in clear text (an
     * h2c upgrade is not taken up), and no port but HTTP's reachable from outside (Payara Micro's
     * data grid listened on 6900 on every interface, even with {@code --nocluster}; now on loopback).
     */
    @Test
    void thePreBootCommandsAreInForce() throws IOException {
        Set<Ports.Listening> listening = Ports.listenedOnBy(node.pid());
        assertTrue(listening.contains(new Ports.Listening(node.port(), false)), "HTTP on every interface: " + listening);
        assertEquals(Set.of(node.port()), listening.stream().filter(l -> !l.loopback()).map(Ports.Listening::port)
                .collect(Collectors.toSet()), "no other port reachable from outside: " + listening);
        String upgrade = rawExchange("GET /api/randomname HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
        assertTrue(upgrade.startsWith("HTTP/1.1 200"), upgrade);
        long severeBefore = node.logLines("SEVERE");
        String undecodable = rawExchange("GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(undecodable.startsWith("HTTP/1.1 "), undecodable);
        for (int i = 0; i < 20; i++) {
            rawExchange("GET /%zz" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
        // The node logs a malformed envelope from the channel; once that line is in, so is whatever was logged before it.
        String marker = "marker-" + java.util.UUID.randomUUID();
        redis.publish("MESSAGES", marker);
        Await.until("the node logged the marker", Duration.ofSeconds(20), () -> node.logLines(marker) > 0);
        assertEquals(severeBefore, node.logLines("SEVERE"), "no SEVERE stack trace per undecodable path (log flooding)");
        for (String answer : List.of(upgrade, undecodable)) {
            assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nserver:"), answer);
            assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("x-powered-by"), answer);
        }
    }

    /**
     * A request head beyond 8 KiB (Grizzly's header buffer) is refused by the container before the
     * application with 400 and the connection closed, whatever its size: it is never buffered
     * whole, and the node answers others meanwhile.
     */
    @Test
    void anOversizedRequestHeadIsRefusedAndTheConnectionClosed() throws IOException {
        for (int size : List.of(9 * 1024, 1024 * 1024)) {
            try (Socket socket = new Socket("127.0.0.1", node.port())) {
                socket.setSoTimeout(20_000);
                var out = socket.getOutputStream();
                try {
                    out.write(("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + "a".repeat(size) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closedWhileSending) {
                    // the node may answer and close before a megabyte is written: the answer is still there to read
                }
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 400"), size + " bytes: " + answer);
                assertTrue(answer.contains("Connection: close"), answer);
            }
        }
        assertEquals(200, registered(Users.unique("after")).get("/api/me").status());
    }

    /**
     * Paths Payara answers itself, before the application (an undecodable escape: its empty 200;
     * a NUL, a backslash, bytes that are not UTF-8, ".." above the root: its empty "400 Invalid
     * URI"), get the chat's JSON 400 with the security headers ({@code chat.node.UndecodablePaths}).
     */
    @Test
    void pathsPayaraWouldAnswerItselfGetTheChatsJson400() throws IOException {
        for (String path : List.of("/%zz", "/api/%zz", "/%", "/%C0%AF", "/a%00b", "/%5c", "/../etc/passwd", "/a/b/../../../x")) {
            String answer = RawHttp.get(node, path);
            assertTrue(answer.startsWith("HTTP/1.1 400"), path + ": " + answer);
            assertTrue(answer.contains("{\"message\":\"The request's path is not valid\"}"), path + ": " + answer);
            assertTrue(answer.contains("\r\nContent-Security-Policy: "), path + ": " + answer);
            assertTrue(answer.contains("\r\nX-Content-Type-Options: nosniff"), path + ": " + answer);
        }
        assertTrue(node.logLines("Payara's undecodable paths: workaround ACTIVE") > 0);
        assertEquals(404, registered(Users.unique("paths")).get("/a/%2e%2e/b").status(), "a path Payara takes is the application's");
    }

    /** Found from outside: each such request, no account needed, wrote a 2.5 KB WARNING with a stack trace (407 MB in 25 s). */
    @Test
    void chunkedBodiesThatCannotBeParsedLeaveNoStackTraceInTheLog() throws IOException {
        long before = node.logLines("GRIZZLY0013");
        for (int i = 0; i < 10; i++) {
            rawExchange("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n");
        }
        // The node logs a malformed envelope from the channel; once that line is in, so is whatever was logged before it.
        String marker = "marker-" + java.util.UUID.randomUUID();
        redis.publish("MESSAGES", marker);
        Await.until("the node logged the marker", Duration.ofSeconds(20), () -> node.logLines(marker) > 0);
        assertEquals(before, node.logLines("GRIZZLY0013"), "no stack trace per broken chunked body (log flooding)");
    }

    /** Found from outside: Grizzly's WebSocket filter logged a WARNING with a stack trace for each (15 MB in 3 s). */
    @Test
    void upgradeRequestsWhosePathCannotBeDecodedLeaveNoStackTraceInTheLog() throws IOException {
        long before = node.logLines("Illegal hex characters");
        for (int i = 0; i < 10; i++) {
            rawExchange("GET /%zz" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        }
        String marker = "marker-" + java.util.UUID.randomUUID();
        redis.publish("MESSAGES", marker);
        Await.until("the node logged the marker", Duration.ofSeconds(20), () -> node.logLines(marker) > 0);
        assertEquals(before, node.logLines("Illegal hex characters"), "no stack trace per undecodable upgrade (log flooding)");
    }

    /** Sends a raw request (the JDK's client cannot send a path such as /%zz) and returns the answer's head. */
    private static String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1; ) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    /**
     * DNS rebinding: a page of an attacker's domain, re-pointed at the chat, sends the chat's Host
     * and a matching Origin. Found from outside on 7 December: it registered (201), read General
     * and opened a socket. Only localhost, IP addresses and names in CHAT_HOSTS count as the page's own.
     */
    @Test
    void aPageUnderAnUnknownHostNameMayNotLogIn() throws IOException {
        int port = URI.create(node.baseUrl()).getPort();
        String rebound = "rebind.attacker.example:" + port;
        String body = "{\"username\":\"" + Users.unique("rebound") + "\",\"password\":\"" + PASSWORD + "\"}";
        String refused = rawRequest(port, "POST /api/login", rebound, "http://" + rebound, null, body);
        assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
        assertTrue(refused.contains("CHAT_HOSTS"), "says what the operator can do: " + refused);

        String underLocalhost = rawRequest(port, "POST /api/login", "localhost:" + port, "http://localhost:" + port, null, body);
        assertTrue(underLocalhost.startsWith("HTTP/1.1 201"), underLocalhost);
        String listed = "chat.internal:" + port;
        String again = rawRequest(port, "POST /api/login", listed, "http://" + listed, null, body);
        assertTrue(again.startsWith("HTTP/1.1 200"), "a name in CHAT_HOSTS: " + again);

        String cookie = underLocalhost.lines().filter(l -> l.regionMatches(true, 0, "Set-Cookie: chat_session=", 0, 24))
                .findFirst().orElseThrow().substring("Set-Cookie: ".length()).split(";")[0];
        String handshake = rawRequest(port, "GET /ws", rebound, "http://" + rebound, cookie, null);
        assertTrue(handshake.startsWith("HTTP/1.1 403"), "no socket either: " + handshake);
        assertTrue(rawRequest(port, "GET /ws", listed, "http://" + listed, cookie, null).startsWith("HTTP/1.1 101"));
    }

    /** One request with the Host and Origin a browser under that name would send (the JDK's client sets Host itself); its answer's head and body. */
    private static String rawRequest(int port, String requestLine, String host, String origin, String cookie, String jsonBody) throws IOException {
        StringBuilder request = new StringBuilder(requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin + "\r\n");
        if (cookie != null) {
            request.append("Cookie: ").append(cookie).append("\r\n");
        }
        if (jsonBody != null) {
            byte[] bytes = jsonBody.getBytes(StandardCharsets.UTF_8);
            request.append("Connection: close\r\nContent-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        } else {
            request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        }
        request.append("\r\n").append(jsonBody == null ? "" : jsonBody);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                if (answer.toString(StandardCharsets.UTF_8).startsWith("HTTP/1.1 101") && answer.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
                    break; // an open socket stays open
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    // ---- 6. account hygiene

    @Test
    void newPasswordsNeedEightCharacters() {
        Reply reply = login(new ChatHttp(node), Users.unique("shorty"), "seven77", newAddress());
        assertEquals(400, reply.status());
        assertEquals("Password must have at least 8 characters", reply.object().getString("message"));
    }

    @Test
    void changingThePasswordEndsTheOtherSessions() {
        String user = Users.unique("changer");
        ChatHttp laptop = registered(user);
        ChatHttp phone = new ChatHttp(node);
        assertEquals(200, login(phone, user, PASSWORD, newAddress()).status());

        assertEquals(403, laptop.post("/api/password", "{\"currentPassword\":\"wrong!!!\",\"newPassword\":\"brand new pass\"}").status());
        assertEquals(400, laptop.post("/api/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"short\"}").status());
        assertEquals(400, laptop.post("/api/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + PASSWORD + "\"}").status(),
                "the current password again");
        Reply changed = laptop.post("/api/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"brand new pass\"}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals(1, changed.object().getInt("ended"));
        assertEquals(401, phone.get("/api/me").status());
        assertEquals(200, laptop.get("/api/me").status());
        assertEquals(401, login(new ChatHttp(node), user, PASSWORD, newAddress()).status());
        assertEquals(200, login(new ChatHttp(node), user, "brand new pass", newAddress()).status());
    }

    /**
     * Whoever signs in with the old password again and again while its owner changes it keeps no
     * session: a login checked against the old hash waited its turn behind the change's bcrypt and
     * started its session after the change had ended the others (5 of 5 from outside).
     */
    @Test
    void aLoginWithTheOldPasswordRacingItsChangeKeepsNoSession() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 3; round++) {
                String user = Users.unique("raced");
                ChatHttp owner = registered(user);
                ChatHttp intruder = new ChatHttp(node);
                String address = newAddress();
                AtomicInteger signedIn = new AtomicInteger();
                Future<Integer> signingIn = pool.submit(() -> {
                    while (true) { // each login ends the one before: the intruder holds one session at a time
                        int status = login(intruder, user, PASSWORD, address).status();
                        if (status != 200) {
                            return status;
                        }
                        signedIn.incrementAndGet();
                    }
                });
                Await.until("the intruder signed in twice", Duration.ofSeconds(20), () -> signedIn.get() >= 2);
                Reply changed = owner.post("/api/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"brand new pass\"}");
                assertEquals(200, changed.status(), changed.body());
                assertEquals(401, signingIn.get(30, TimeUnit.SECONDS), "round " + round + ": the old password refused at last");
                assertEquals(401, intruder.get("/api/me").status(), "round " + round + ": the intruder's last session, after "
                        + signedIn.get() + " logins");
                assertEquals(200, owner.get("/api/me").status());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Whoever once knew the old password and collected device cookies while it lasted gets no
     * allowance of guesses against the new one from them; before, each such cookie kept ten guesses
     * for a year. The browser that changed the password gets a new cookie and stays recognised.
     */
    @Test
    void aNewPasswordVoidsTheDeviceCookiesIssuedBeforeIt() {
        String user = Users.unique("recovered");
        ChatHttp owner = registered(user);
        ChatHttp formerlyTrusted = new ChatHttp(node);
        assertEquals(200, login(formerlyTrusted, user, PASSWORD, newAddress()).status(), "now holds a device cookie of the user");
        Reply changed = owner.post("/api/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"brand new pass\"}");
        assertEquals(200, changed.status(), changed.body());

        String address = newAddress();
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            guesses.add(login(formerlyTrusted, user, "guess-" + i, address).status());
        }
        assertEquals(List.of(401, 401, 401, 401, 401, 429), guesses, "the old cookie counts as no cookie: the unrecognised browsers' five");
        assertEquals(200, login(owner, user, "brand new pass", address).status(), "the owner's browser is recognised by its new cookie");
    }

    @Test
    void loggingOutTheOtherSessionsClosesTheirSockets() {
        String user = Users.unique("tidy");
        ChatHttp mine = registered(user);
        ChatHttp forgotten = new ChatHttp(node);
        assertEquals(200, login(forgotten, user, PASSWORD, newAddress()).status());
        try (ChatSocketClient socket = ChatSocketClient.connect(node, forgotten)) {
            Reply reply = mine.post("/api/logout/others", "{}");
            assertEquals(1, reply.object().getInt("ended"));
            socket.awaitClose();
        }
        assertEquals(401, forgotten.get("/api/me").status());
        assertEquals(200, mine.get("/api/me").status());
    }

    @Test
    void aSessionEndsAtItsLifetimeHoweverBusy() {
        ChatHttp browser = registered(Users.unique("old"));
        String id = browser.get("/api/me").object().getString("id");
        long longAgo = Instant.now().minus(Duration.ofDays(31)).getEpochSecond();
        redis.client().getKeys().getKeysStreamByPattern("chat:session:*")
                .filter(key -> redis.get(key).startsWith(id + "@"))
                .forEach(key -> redis.client().getBucket(key, org.redisson.client.codec.StringCodec.INSTANCE).set(id + "@" + longAgo));
        assertEquals(401, browser.get("/api/me").status());
    }

    @Test
    void hstsOnlyWhenATrustedProxySaysHttps() {
        Reply https = new ChatHttp(node).send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/randomname"))
                .header("X-Forwarded-Proto", "https"));
        assertEquals("max-age=31536000; includeSubDomains", https.headers("Strict-Transport-Security").get(0));
        assertTrue(new ChatHttp(node).get("/api/randomname").headers("Strict-Transport-Security").isEmpty());
    }

    @Test
    void duplicateKeysAreRefused() {
        Reply reply = new ChatHttp(node).post("/api/login", "{\"username\":\"dupe\",\"password\":\"x\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(400, reply.status());
        assertTrue(reply.object().getString("message").contains("Duplicate"));
    }

    @Test
    void messagesAreStoredTrimmedAndBlankLookingOnesRefused() {
        ChatHttp browser = registered(Users.unique("blank"));
        try (ChatSocketClient socket = ChatSocketClient.connect(node, browser)) {
            for (String blank : List.of("\u00A0\u00A0", "\u200B", "\u3164", " \u2060 ")) {
                socket.sendMessage("0", blank);
            }
            Await.until("four refusals", Duration.ofSeconds(10), () -> socket.events("error").size() >= 4);
            String text = "trimmed " + Users.unique("t");
            socket.sendMessage("0", "  \u00A0" + text + " \u3164 ");
            var stored = socket.awaitMessage(text).getJsonObject("data");
            assertEquals(text, stored.getString("message"));
            assertTrue(redis.zrange("room:0").stream().anyMatch(m -> m.contains("\"" + text + "\"")), "stored trimmed");

            // Editing follows the same rule: no message becomes a blank-looking one.
            for (String blank : List.of("\u200B", "\u3164", "\u00A0 ")) {
                Reply edited = browser.patch("/api/room/0/messages/" + stored.getString("id"),
                        Json.createObjectBuilder().add("message", blank).build().toString());
                assertEquals(400, edited.status(), edited.body());
            }
            // Hand-made JSON may carry an unpaired surrogate, which would be stored as '?': refused, nothing stored.
            socket.send("{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"half \\ud800 a pair\"}}");
            socket.await("error", d -> d != null && d.getString("message").contains("unpaired surrogate"));
            assertTrue(redis.zrange("room:0").stream().noneMatch(m -> m.contains("half ")), "nothing stored");
            // Control characters other than tabs and line breaks: refused, posted or edited (NUL and BEL were stored).
            socket.send("{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"ring \\u0007 the bell\"}}");
            socket.await("error", d -> d != null && d.getString("message").contains("control characters"));
            assertTrue(redis.zrange("room:0").stream().noneMatch(m -> m.contains("ring ")), "nothing stored");
            Reply withNul = browser.patch("/api/room/0/messages/" + stored.getString("id"), "{\"message\":\"nul \\u0000 inside\"}");
            assertEquals(400, withNul.status(), withNul.body());
            String lines = "two\tcolumns\nand lines " + Users.unique("l");
            socket.sendMessage("0", lines);
            assertEquals(lines, socket.awaitMessage(lines).getJsonObject("data").getString("message"), "tabs and line breaks are text");
        }
    }
}
