package chat.portability;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatNode;
import chat.testing.ChatSocketClient;
import chat.testing.RawHttp;
import chat.testing.Users;
import chat.testing.Users.Person;
import chat.testing.WildFlyServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * What every node must do, whatever server runs it, checked from outside only (HTTP and a
 * {@code java.net.http} WebSocket, as a browser would): one suite, written once, that any running
 * node can be put through. {@code peer} is another node on the same Redis, for what crosses nodes.
 * Users are fresh per check, so the suite can run against nodes that others use at the same time.
 */
final class Conformance {

    /** The first message through a freshly started node can be slow on a busy 2-core machine. */
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private final ChatNode node;
    private final ChatNode peer;

    Conformance(ChatNode node, ChatNode peer) {
        this.node = node;
        this.peer = peer;
    }

    Stream<DynamicTest> tests() {
        return Stream.of(
                check("registerLogInAndLogOut", this::registerLogInAndLogOut),
                check("roomsAndHistoryAfterAMessage", this::roomsAndHistoryAfterAMessage),
                check("chatAcrossNodesBothWaysWithTheSameHistory", this::chatAcrossNodesBothWaysWithTheSameHistory),
                check("privateRoomsReachOnlyTheirTwoMembers", this::privateRoomsReachOnlyTheirTwoMembers),
                check("presenceWithTwoTabs", this::presenceWithTwoTabs),
                check("refusedFramesGetAnErrorFrameAndTheSocketStaysOpen", this::refusedFramesGetAnErrorFrameAndTheSocketStaysOpen),
                check("framesOver64KiBCloseTheSocketWith1009", this::framesOver64KiBCloseTheSocketWith1009),
                check("aFrameAnnouncedFarOverTheLimitIsCutOffBeforeItArrivesWhole", this::aFrameAnnouncedFarOverTheLimitIsCutOffBeforeItArrivesWhole),
                check("healthReadinessAndMetrics", this::healthReadinessAndMetrics),
                check("securityHeadersOnPageAndApi", this::securityHeadersOnPageAndApi),
                check("pathsTheServerCannotTakeAreRefused", this::pathsTheServerCannotTakeAreRefused),
                check("handshakeNeedsASessionAndTheOwnOrigin", this::handshakeNeedsASessionAndTheOwnOrigin));
    }

    private DynamicTest check(String name, Executable body) {
        return dynamicTest(name + " on " + node.runtime(), body);
    }

    void registerLogInAndLogOut() {
        String name = Users.unique("conf");
        ChatHttp http = new ChatHttp(node);
        Reply registered = http.login(name, "s3cret-pw");
        assertEquals(201, registered.status(), registered.body());
        String id = registered.object().getString("id");
        assertEquals(name, registered.object().getString("username"));
        assertTrue(http.sessionCookie().orElseThrow().isHttpOnly(), "the session cookie is HttpOnly");
        assertEquals(id, http.get("/api/me").object().getString("id"));
        assertEquals(401, new ChatHttp(node).login(name, "wrong").status(), "a wrong password");
        ChatHttp again = new ChatHttp(node);
        assertEquals(200, again.login(name, "s3cret-pw").status(), "an existing name logs in");
        assertEquals(id, again.on(peer).get("/api/me").object().getString("id"), "the session is honoured on the peer");
        assertEquals(204, again.post("/api/logout", "").status());
        assertEquals(401, again.get("/api/me").status());
        assertEquals(401, again.on(peer).get("/api/me").status(), "logged out on every node");
        assertEquals(400, new ChatHttp(node).post("/api/login", "{\"username\":").status(), "malformed JSON");
    }

    void roomsAndHistoryAfterAMessage() {
        Person ann = Users.register(node, "hist");
        List<JsonValue> rooms = ann.http().get("/api/rooms/" + ann.id()).array();
        assertTrue(rooms.stream().anyMatch(r -> "0".equals(r.asJsonObject().getString("id"))), "General is listed: " + rooms);
        try (ChatSocketClient socket = ChatSocketClient.connect(node, ann.http())) {
            String tag = ann.id() + " ";
            socket.sendMessage("0", tag + "first");
            String firstId = socket.await("message", text(tag + "first"), DELIVERY).getJsonObject("data").getString("id");
            socket.sendMessage("0", tag + "second");
            socket.sendMessage("0", tag + "third");
            socket.await("message", text(tag + "third"), DELIVERY);
            List<String> after = ann.http().get("/api/room/0/messages?after=" + firstId).array().stream()
                    .map(m -> m.asJsonObject().getString("message")).filter(m -> m.startsWith(tag)).toList();
            assertEquals(List.of(tag + "second", tag + "third"), after, "everything after the first, oldest first");
            assertTrue(ann.http().get("/api/room/0/messages?offset=0&size=20").body().contains(tag + "third"), "in the newest page");
            assertEquals(400, ann.http().get("/api/room/0/messages?after=garbage").status());
            assertEquals(401, new ChatHttp(node).get("/api/room/0/messages").status(), "history needs a session");
        }
    }

    void chatAcrossNodesBothWaysWithTheSameHistory() {
        Person ann = Users.register(node, "here");
        Person bob = Users.register(peer, "there");
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http());
             ChatSocketClient b = ChatSocketClient.connect(peer, bob.http())) {
            String there = node.runtime() + " to " + peer.runtime() + " " + ann.id();
            a.sendMessage("0", there);
            JsonObject received = b.await("message", text(there), DELIVERY).getJsonObject("data");
            assertEquals(ann.id(), received.getString("from"), "the server sets the sender");
            String back = peer.runtime() + " to " + node.runtime() + " " + bob.id();
            b.sendMessage("0", back);
            a.await("message", text(back), DELIVERY);
        }
        String page = "/api/room/0/messages?offset=0&size=20";
        assertEquals(ann.http().on(peer).get(page).json(), ann.http().get(page).json(), "the same history, in the same JSON, from both");
    }

    void privateRoomsReachOnlyTheirTwoMembers() {
        Person ann = Users.register(node, "ann");
        Person bob = Users.register(peer, "bob");
        Person eve = Users.register(node, "eve");
        String roomId = Users.privateRoom(ann, bob);
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http());
             ChatSocketClient b = ChatSocketClient.connect(peer, bob.http());
             ChatSocketClient eveHere = ChatSocketClient.connect(node, eve.http());
             ChatSocketClient eveThere = ChatSocketClient.connect(peer, eve.http().on(peer))) {
            a.sendMessage(roomId, "secret " + ann.id());
            b.await("show.room", d -> d != null && roomId.equals(d.getString("id", null)), DELIVERY);
            b.await("message", text("secret " + ann.id()), DELIVERY);
            String marker = "public after the secret " + ann.id();
            a.sendMessage("0", marker);
            eveHere.await("message", text(marker), DELIVERY);
            eveThere.await("message", text(marker), DELIVERY);
            for (ChatSocketClient eves : List.of(eveHere, eveThere)) {
                assertTrue(eves.messages().stream().noneMatch(m -> m.getString("message").startsWith("secret")), "eve saw a secret");
                assertTrue(eves.events("show.room").isEmpty(), "eve was shown the room");
            }
            assertEquals(403, eve.http().get("/api/room/" + roomId + "/messages").status(), "eve reads the history");
            eveHere.send("{\"type\":\"message\",\"data\":{\"roomId\":\"" + roomId + "\",\"message\":\"let me in\"}}");
            eveHere.await("error", d -> d != null, DELIVERY);
            assertTrue(ann.http().get("/api/room/" + roomId + "/messages").body().contains("secret"), "ann reads it");
            assertFalse(ann.http().get("/api/room/" + roomId + "/messages").body().contains("let me in"));
        }
    }

    void presenceWithTwoTabs() {
        Person watcher = Users.register(peer, "watch");
        Person ann = Users.register(node, "tabs");
        Predicate<JsonObject> aboutAnn = d -> d != null && ann.id().equals(d.getString("id", null));
        try (ChatSocketClient watching = ChatSocketClient.connect(peer, watcher.http())) {
            ChatSocketClient first = ChatSocketClient.connect(node, ann.http());
            ChatSocketClient second = ChatSocketClient.connect(node, ann.http());
            // the echo of a frame proves the server has registered the second tab (the 101 comes before that)
            String opened = "second tab " + ann.id();
            second.sendMessage("0", opened);
            second.await("message", text(opened), DELIVERY);
            assertTrue(watching.await("user.connected", aboutAnn, DELIVERY).getJsonObject("data").getBoolean("online"));
            assertTrue(watcher.http().get("/api/users/online").object().containsKey(ann.id()));
            first.close();
            first.awaitClose();
            String marker = "still here " + ann.id();
            second.sendMessage("0", marker);
            watching.await("message", text(marker), DELIVERY);
            assertTrue(watching.events("user.disconnected").stream().noneMatch(e -> aboutAnn.test(e.getJsonObject("data"))),
                    "one tab closed, the other still open: still online");
            assertTrue(watcher.http().get("/api/users/online").object().containsKey(ann.id()));
            second.close();
            assertFalse(watching.await("user.disconnected", aboutAnn, DELIVERY).getJsonObject("data").getBoolean("online"));
            Await.until("ann offline", DELIVERY, () -> !watcher.http().get("/api/users/online").object().containsKey(ann.id()));
            assertEquals(1, watching.events("user.connected").stream().filter(e -> aboutAnn.test(e.getJsonObject("data"))).count(),
                    "the second tab announced nothing");
        }
    }

    void refusedFramesGetAnErrorFrameAndTheSocketStaysOpen() {
        Person ann = Users.register(node, "frames");
        List<String> refused = List.of("not json", "[1,2]", "{}", "{\"type\":\"dance\",\"data\":{}}",
                "{\"type\":\"message\",\"data\":{\"roomId\":\"0\"}}",
                "{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":42}}",
                "{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"" + "x".repeat(5001) + "\"}}",
                "{\"type\":\"message\",\"data\":{\"roomId\":\"31337\",\"message\":\"nowhere\"}}");
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http())) {
            for (int i = 0; i < refused.size(); i++) {
                a.send(refused.get(i));
                int expected = i + 1;
                Await.until(expected + " error frames", DELIVERY, () -> a.events("error").size() >= expected);
            }
            a.events("error").forEach(e -> assertFalse(e.getJsonObject("data").getString("message").isBlank()));
            assertFalse(a.isClosed());
            String marker = "still open " + ann.id();
            a.sendMessage("0", marker);
            a.await("message", text(marker), DELIVERY);
            assertEquals(refused.size(), a.events("error").size(), "a valid frame gets no error");
        }
    }

    void framesOver64KiBCloseTheSocketWith1009() {
        Person ann = Users.register(node, "big");
        try (ChatSocketClient a = ChatSocketClient.connect(node, ann.http())) {
            a.send("{\"type\":\"message\",\"data\":{\"roomId\":\"0\",\"message\":\"" + "x".repeat(70_000) + "\"}}");
            assertEquals(1009, a.awaitClose());
        }
    }

    /**
     * A frame is kept in memory until it has come whole, so a client announcing a large one and
     * sending it slowly holds the node's heap while it lasts (Tyrus's default, 4 MiB a socket, let
     * one user pin some 90 MiB with 20 sockets). The node cuts it off before the rest arrives and
     * before the socket's idle timeout (60 s): Tyrus once 128 KiB are in (web.xml), with 1011;
     * Open Liberty cuts it off itself. Not WildFly 39: its Undertow (2.3.23) does not apply the
     * message size limit while it buffers a text frame (UNDERTOW-2770, fixed in a later Undertow),
     * so one socket held 150 MB of an unfinished frame until the idle timeout (docs/SECURITY.md).
     */
    void aFrameAnnouncedFarOverTheLimitIsCutOffBeforeItArrivesWhole() throws IOException {
        assumeFalse(node instanceof WildFlyServer, "WildFly's Undertow buffers the whole frame (UNDERTOW-2770)");
        Person ann = Users.register(node, "hoard");
        int code = RawHttp.closeCodeForAnUnfinishedFrame(node, ann.http().cookieHeader(), 4L * 1024 * 1024, 1024 * 1024);
        assertTrue(code == 1009 || code == 1011, "closed with " + code + " after a quarter of a 4 MiB frame");
        assertEquals(200, ann.http().get("/api/me").status(), "the user is served as before");
    }

    void healthReadinessAndMetrics() {
        ChatHttp http = new ChatHttp(node);
        for (String path : List.of("/health/live", "/health/ready", "/health")) {
            Reply reply = http.get(path);
            assertEquals(200, reply.status(), path + ": " + reply.body());
            assertEquals("UP", reply.object().getString("status"), path);
        }
        assertEquals(401, http.get("/metrics").status(), "/metrics without the token");
        Reply metrics = http.metrics();
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("chat_sockets_connected"), "the chat's own metrics, not the server's");
        assertEquals(200, http.get("/").status());
        assertTrue(http.get("/").body().contains("<script"), "the page is served at /");
    }

    void securityHeadersOnPageAndApi() {
        ChatHttp http = new ChatHttp(node);
        for (String path : List.of("/", "/api/randomname", "/api/me")) {
            Reply reply = http.get(path);
            assertTrue(reply.headers("Content-Security-Policy").stream().anyMatch(v -> v.contains("default-src 'self'")), path);
            assertEquals(List.of("nosniff"), reply.headers("X-Content-Type-Options"), path);
            assertEquals(List.of("DENY"), reply.headers("X-Frame-Options"), path);
            assertEquals(List.of("no-referrer"), reply.headers("Referrer-Policy"), path);
        }
        assertEquals(List.of("no-store"), http.get("/api/randomname").headers("Cache-Control"));
    }

    /**
     * Paths a server cannot take (an undecodable escape, a NUL, a ".." above the root) are refused.
     * On Payara the chat answers them 400 with its JSON and headers ({@code chat.node.UndecodablePaths});
     * WildFly and Open Liberty refuse what they cannot take themselves (WildFly with an empty 400,
     * Open Liberty with a short HTML page of its own) and pass the rest to the chat (docs/SECURITY.md).
     */
    void pathsTheServerCannotTakeAreRefused() throws IOException {
        for (String path : List.of("/%zz", "/a%00b", "/../etc/passwd")) {
            String answer = RawHttp.get(node, path);
            assertTrue(answer.startsWith("HTTP/1.1 4"), path + ": " + answer);
            if (node.runtime().startsWith("Payara")) {
                assertTrue(answer.startsWith("HTTP/1.1 400"), path + ": " + answer);
                assertTrue(answer.contains("{\"message\":\"The request's path is not valid\"}"), path + ": " + answer);
                assertTrue(answer.contains("\r\nContent-Security-Policy: "), path + ": " + answer);
            }
        }
    }

    void handshakeNeedsASessionAndTheOwnOrigin() {
        Person ann = Users.register(node, "origin");
        String cookie = ann.http().cookieHeader();
        assertEquals(401, ChatSocketClient.refusal(node.wsUrl(), null, node.origin()), "no session");
        assertEquals(401, ChatSocketClient.refusal(node.wsUrl(), "chat_session=forged", node.origin()), "a forged session");
        assertEquals(403, ChatSocketClient.refusal(node.wsUrl(), cookie, "http://evil.example"), "another site");
        assertEquals(403, ChatSocketClient.refusal(node.wsUrl(), cookie, "null"), "an opaque origin");
        assertEquals(403, ChatSocketClient.refusal(node.wsUrl(), cookie, peer.origin()), "another node's origin is not this page's");
        try (ChatSocketClient ownOrigin = ChatSocketClient.connect(node, ann.http())) {
            assertFalse(ownOrigin.isClosed());
        }
    }

    private static Predicate<JsonObject> text(String message) {
        return d -> d != null && message.equals(d.getString("message", null));
    }
}
