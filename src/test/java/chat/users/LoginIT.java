package chat.users;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatSocketClient;
import chat.testing.RedisProbe;
import chat.testing.SharedChat;
import chat.testing.Users;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mindrot.jbcrypt.BCrypt;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedChat.class)
class LoginIT {

    private final ChatCluster chat;
    private final RedisProbe redis;

    LoginIT(ChatCluster chat) {
        this.chat = chat;
        this.redis = chat.probe();
    }

    @Test
    void aNewNameRegistersInTheSeedLayoutAndAnExistingOneLogsIn() {
        String name = Users.unique("newbie");
        ChatHttp http = new ChatHttp(chat.nodeA());
        Reply registered = http.login(name, "s3cret");
        assertEquals(201, registered.status(), registered.body());
        String id = registered.object().getString("id");
        assertEquals(name, registered.object().getString("username"));

        assertEquals("user:" + id, redis.get("username:" + name));
        Map<String, String> user = redis.hash("user:" + id);
        assertEquals(name, user.get("username"));
        assertTrue(user.get("password").startsWith("$2a$10$"));
        assertTrue(BCrypt.checkpw("s3cret", user.get("password")), "a seed server can verify our hash");
        assertTrue(redis.set("user:" + id + ":rooms").contains("0"));

        Reply again = new ChatHttp(chat.nodeB()).login(name, "s3cret");
        assertEquals(200, again.status());
        assertEquals(id, again.object().getString("id"));
    }

    @Test
    void aWrongPasswordIs401AndStartsNoSession() {
        String name = Users.unique("guarded");
        new ChatHttp(chat.nodeA()).loggedIn(name, "right");
        ChatHttp intruder = new ChatHttp(chat.nodeA());
        Reply reply = intruder.login(name, "wrong");
        assertEquals(401, reply.status());
        assertTrue(reply.object().getString("message").length() > 0);
        assertTrue(intruder.sessionCookie().isEmpty());
        assertEquals(401, intruder.get("/api/me").status());
    }

    /**
     * Accents are no confusables in UTS #39, so only the directory's folding tells {@code Källe} from
     * {@code Kalle}; before, the seed's call without a mode registered it, and signing in as "kalle" then found two accounts (404).
     */
    @Test
    void aNameThatDiffersFromAnAccountOnlyInAccentsIsTakenInEveryMode() {
        String name = Users.unique("Kalle");
        String id = new ChatHttp(chat.nodeA()).loggedIn(name, "pw").getString("id");
        String accented = "Kä" + name.substring(2);
        Reply withoutMode = new ChatHttp(chat.nodeB()).login(accented, "pw");
        assertEquals(409, withoutMode.status(), withoutMode.body());
        assertTrue(withoutMode.object().getString("message").contains(name + " is taken"), withoutMode.body());
        assertNull(redis.get("username:" + accented), "nothing created");
        Reply signIn = new ChatHttp(chat.nodeB()).post("/api/login", Json.createObjectBuilder()
                .add("username", name.toLowerCase()).add("password", "pw").add("mode", "signin").build().toString());
        assertEquals(200, signIn.status(), signIn.body());
        assertEquals(id, signIn.object().getString("id"));
    }

    @Test
    void usersWrittenBySeedNodeServerWith2bHashesLogIn() {
        String name = Users.unique("seedling");
        String id = String.valueOf(redis.client().getAtomicLong("total_users").incrementAndGet());
        String seedHash = "$2b$" + BCrypt.hashpw("password123", BCrypt.gensalt(10)).substring(4);
        redis.client().getMap("user:" + id).putAll(Map.of("username", name, "password", seedHash));
        redis.client().getBucket("username:" + name).set("user:" + id);
        redis.client().getSet("user:" + id + ":rooms").add("0");

        Reply reply = new ChatHttp(chat.nodeB()).login(name, "password123");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(id, reply.object().getString("id"));
        assertEquals(401, new ChatHttp(chat.nodeB()).login(name, "password124").status());
    }

    @Test
    void theCookieIsHttpOnlyLaxAndSecureOnlyOverHttps() {
        ChatHttp http = new ChatHttp(chat.nodeA());
        String name = Users.unique("cookie");
        Reply plain = http.login(name, "pw");
        String cookie = plain.headers("Set-Cookie").get(0);
        assertTrue(cookie.startsWith("chat_session="), cookie);
        assertTrue(cookie.contains("HttpOnly"));
        assertTrue(cookie.contains("SameSite=Lax"));
        assertTrue(cookie.contains("Path=/"));
        assertFalse(cookie.contains("Secure"));

        Reply proxied = http.send(HttpRequest.newBuilder(URI.create(chat.nodeA().baseUrl() + "/api/login"))
                .header("X-Forwarded-Proto", "https").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name + "\",\"password\":\"pw\"}")));
        String secure = proxied.headers("Set-Cookie").get(0);
        assertTrue(secure.startsWith("__Host-chat_session="), secure);
        assertTrue(secure.contains("; Secure"));
        assertTrue(secure.contains("HttpOnly"));
    }

    /**
     * Cookie tossing: a sibling subdomain (or anyone on plain HTTP) can plant a cookie without the
     * {@code __Host-} prefix. Over HTTPS such a {@code chat_session} must not log the browser in as
     * the planter's account; before, it did whenever the browser had no {@code __Host-} session (after a logout, say).
     */
    @Test
    void overHttpsAPlantedPlainSessionCookieLogsNoOneIn() {
        ChatHttp planter = new ChatHttp(chat.nodeA());
        planter.loggedIn(Users.unique("planter"), "pw");
        String planted = "chat_session=" + planter.sessionCookie().orElseThrow().getValue();
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Reply overHttp = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeA().baseUrl() + "/api/me"))
                .header("Cookie", planted));
        assertEquals(200, overHttp.status(), "over plain HTTP the plain cookie is the session cookie");
        Reply overHttps = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeA().baseUrl() + "/api/me"))
                .header("Cookie", planted).header("X-Forwarded-Proto", "https"));
        assertEquals(401, overHttps.status(), overHttps.body());
        Reply loggedOut = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeB().baseUrl() + "/api/logout"))
                .header("Cookie", planted).header("X-Forwarded-Proto", "https").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(401, loggedOut.status(), loggedOut.body());
        assertEquals(200, planter.get("/api/me").status(), "the planter's session was not touched");
    }

    /**
     * Over plain HTTP a page on another port of the same host can plant a {@code chat_session} with a
     * longer path ({@code Path=/api}), which the browser sends before the real one. Before, only the
     * first was read: garbage there locked the user out for as long as the planted cookie lived, and a
     * live session of the planter's signed the victim in as the planter (their typing stored under
     * the planter's name). Found from outside with Chromium.
     */
    @Test
    void aDeadSessionCookiePlantedBeforeTheRealOneLocksNoOneOut() {
        ChatHttp victim = new ChatHttp(chat.nodeA());
        String id = victim.loggedIn(Users.unique("tossed"), "pw").getString("id");
        String real = "chat_session=" + victim.sessionCookie().orElseThrow().getValue();
        ChatHttp ended = new ChatHttp(chat.nodeA());
        ended.loggedIn(Users.unique("gone"), "pw");
        String dead = "chat_session=" + ended.sessionCookie().orElseThrow().getValue();
        assertEquals(204, ended.post("/api/logout", "{}").status());
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        String many = java.util.stream.IntStream.range(0, 60) // well-formed, unknown: each one a lookup
                .mapToObj(i -> "chat_session=" + "x".repeat(40) + String.format("%03d", i)).collect(java.util.stream.Collectors.joining("; "));
        for (String planted : List.of("chat_session=garbage", dead, "chat_session=", many)) {
            Reply me = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeB().baseUrl() + "/api/me"))
                    .header("Cookie", planted + "; " + real));
            assertEquals(200, me.status(), planted + ": " + me.body());
            assertEquals(id, me.object().getString("id"));
        }
        ChatSocketClient.connect(chat.nodeB().wsUrl(), "chat_session=garbage; " + real, chat.nodeB().origin()).close();
    }

    @Test
    void twoLiveSessionCookiesSignInNeitherAndBothEnd() {
        ChatHttp planter = new ChatHttp(chat.nodeA());
        planter.loggedIn(Users.unique("planter"), "pw");
        String planted = "chat_session=" + planter.sessionCookie().orElseThrow().getValue();
        ChatHttp victim = new ChatHttp(chat.nodeA());
        String name = Users.unique("victim");
        victim.loggedIn(name, "pw");
        String real = "chat_session=" + victim.sessionCookie().orElseThrow().getValue();
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        assertEquals(401, ChatSocketClient.refusal(chat.nodeB().wsUrl(), planted + "; " + real, chat.nodeB().origin()),
                "neither session's socket");
        Reply me = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeB().baseUrl() + "/api/me"))
                .header("Cookie", planted + "; " + real));
        assertEquals(401, me.status(), "not the planter's account: " + me.body());
        assertEquals(401, planter.get("/api/me").status(), "the planted session ended");
        assertEquals(401, victim.get("/api/me").status(), "the victim's too: the two could not be told apart");

        victim.loggedIn(name, "pw"); // the browser still holds the planted cookie, dead now
        Reply again = ChatHttp.send(browser, HttpRequest.newBuilder(URI.create(chat.nodeA().baseUrl() + "/api/me"))
                .header("Cookie", planted + "; chat_session=" + victim.sessionCookie().orElseThrow().getValue()));
        assertEquals(200, again.status(), "signing in again is enough: " + again.body());
        assertEquals(name, again.object().getString("username"));
    }

    @Test
    void everyLoginIssuesAFreshSessionAndTheOldOneStopsWorking() {
        String name = Users.unique("rotating");
        ChatHttp first = new ChatHttp(chat.nodeA());
        first.loggedIn(name, "pw");
        String before = first.sessionCookie().orElseThrow().getValue();
        ChatHttp oldCopy = first.on(chat.nodeB());
        assertEquals(200, oldCopy.get("/api/me").status(), "a session is honoured by every node");

        first.loggedIn(name, "pw");
        String after = first.sessionCookie().orElseThrow().getValue();
        assertNotEquals(before, after);
        assertEquals(401, oldCopy.get("/api/me").status(), "the session from before the login is gone");
        assertEquals(200, first.get("/api/me").status());
    }

    @Test
    void logoutEndsTheSessionOnEveryNode() {
        ChatHttp onA = new ChatHttp(chat.nodeA());
        JsonObject me = onA.loggedIn(Users.unique("leaving"), "pw");
        ChatHttp onB = onA.on(chat.nodeB());
        assertEquals(me.getString("id"), onB.get("/api/me").object().getString("id"));

        assertEquals(204, onA.post("/api/logout", "").status());
        assertEquals(401, onB.get("/api/me").status());
        assertEquals(401, onA.get("/api/me").status());
        assertEquals(401, onB.post("/api/logout", "").status());
    }

    @Test
    void anonymousRequestsCreateNoSessions() {
        int before = sessionKeys();
        for (int i = 0; i < 5; i++) {
            new ChatHttp(chat.nodeA()).get("/api/randomname");
            new ChatHttp(chat.nodeB()).get("/api/me");
            new ChatHttp(chat.nodeA()).get("/");
        }
        assertEquals(before, sessionKeys());
        assertTrue(new ChatHttp(chat.nodeA()).get("/api/randomname").object().getString("username").length() > 0);
    }

    @Test
    void badLoginBodiesAre400AndWriteNothing() {
        Map<String, String> before = redis.dump();
        ChatHttp http = new ChatHttp(chat.nodeA());
        List<String> bodies = List.of("", "not json", "[]", "{}", "{\"username\":\"x\"}", "{\"password\":\"x\"}",
                "{\"username\":5,\"password\":\"x\"}", "{\"username\":\"ok\",\"password\":7}",
                "{\"username\":\"has space\",\"password\":\"x\"}", "{\"username\":\"\",\"password\":\"x\"}",
                "{\"username\":\"" + "a".repeat(33) + "\",\"password\":\"x\"}",
                "{\"username\":\"okname\",\"password\":\"\"}",
                "{\"username\":\"okname\",\"password\":\"" + "p".repeat(73) + "\"}",
                "{\"username\":\"<img src=x onerror=alert(1)>\",\"password\":\"x\"}",
                "{\"username\":null,\"password\":\"x\"}", "{\"username\":\"a\"");
        for (String body : bodies) {
            Reply reply = http.post("/api/login", body);
            assertEquals(400, reply.status(), body + " → " + reply.body());
            assertTrue(reply.object().getString("message").length() > 0);
            assertFalse(reply.body().contains("Exception") || reply.body().contains("java."), reply.body());
        }
        Map<String, String> after = redis.dump();
        assertEquals(RedisProbe.lessLapsed(before, after), after);
    }

    @Test
    void meNeedsASession() {
        Reply reply = new ChatHttp(chat.nodeA()).get("/api/me");
        assertEquals(401, reply.status());
        assertTrue(reply.object().containsKey("message"));
        ChatHttp forged = new ChatHttp(chat.nodeA());
        Reply bogus = forged.send(HttpRequest.newBuilder(URI.create(chat.nodeA().baseUrl() + "/api/me"))
                .header("Cookie", "chat_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertEquals(401, bogus.status());
    }

    private int sessionKeys() {
        int n = 0;
        for (String ignored : redis.client().getKeys().getKeysByPattern("chat:session:*")) {
            n++;
        }
        return n;
    }
}
