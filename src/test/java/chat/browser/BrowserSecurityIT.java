package chat.browser;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.PayaraNode;
import chat.testing.Ports;
import chat.testing.SharedChat;
import chat.testing.Users;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's browser attacks in Debian's Chromium: pages of a cross-site attacker
 * ({@code http://localhost:<port>}) and of a same-site sibling ({@code http://127.0.0.1:<other port>},
 * which gets the chat's SameSite=Lax cookie) try auto-submitting {@code text/plain} forms and
 * {@code fetch()} against the chat at {@code http://127.0.0.1:<node port>}; then look-alike
 * names and the account controls in the real client.
 */
@ExtendWith(SharedChat.class)
class BrowserSecurityIT {

    private static final String PASSWORD = "attack-proof";
    private static HttpServer attacker;
    private static final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<ChatPage> browsers = new ArrayList<>();

    @BeforeAll
    static void startAttacker() throws IOException {
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 0);
        attacker.createContext("/", exchange -> {
            byte[] html = pages.getOrDefault(exchange.getRequestURI().getPath(), "<p>nothing</p>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        attacker.start();
    }

    @AfterAll
    static void stopAttacker() {
        attacker.stop(0);
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ChatPage::close);
    }

    private static String crossSite(String path) {
        return "http://localhost:" + attacker.getAddress().getPort() + path;
    }

    private static String sameSiteSibling(String path) {
        return "http://127.0.0.1:" + attacker.getAddress().getPort() + path;
    }

    /** A page that posts {@code json} as a text/plain form (the classic JSON CSRF) to the chat at once. */
    private static String formPage(PayaraNode node, String apiPath, String json) {
        // the form sends name=value: {"a":"b","pad":" + = + "} reads as the JSON plus one more key
        String name = json.substring(0, json.length() - 1) + ",\"pad\":\"";
        return "<form id=f method=POST enctype=text/plain action='" + node.baseUrl() + apiPath + "'>"
                + "<input name='" + name + "' value='\"}'>"
                + "</form><script>document.getElementById('f').submit()</script>";
    }

    /** A page whose script sends the JSON with fetch(), with the user's cookies, in every way a page can. */
    private static String fetchPage(PayaraNode node, String apiPath, String json) {
        String url = node.baseUrl() + apiPath;
        return "<script>window.results = [];"
                + "fetch('" + url + "', {method: 'POST', mode: 'no-cors', credentials: 'include', headers: {'Content-Type': 'text/plain'}, body: '" + json + "'})"
                + ".then(() => results.push('no-cors sent'), () => results.push('no-cors failed'));"
                + "fetch('" + url + "', {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '" + json + "'})"
                + ".then(r => results.push('json ' + r.status), () => results.push('json blocked'));"
                + "</script>";
    }

    private ChatPage browser(String url) {
        ChatPage page = ChatPage.open(url);
        browsers.add(page);
        return page;
    }

    /** The status of {@code GET /api/me} as the browser's chat tab sees it (200 logged in, 401 not). */
    private static long meStatus(ChatPage page, PayaraNode node) {
        page.driver().get(node.baseUrl() + "/");
        return (Long) page.js("return fetch('/api/me', {credentials: 'same-origin'}).then(r => r.status)");
    }

    private static void runFetches(ChatPage page, String url) {
        page.driver().get(url);
        page.awaitTrue("both fetches settled", () -> ((Long) page.js("return window.results ? results.length : 0")) == 2);
    }

    @Test
    void anotherSiteCannotLogTheVictimInAsTheAttacker(ChatCluster chat) {
        PayaraNode node = chat.nodeA();
        String mallory = Users.unique("mallory");
        new ChatHttp(node).loggedIn(mallory, PASSWORD);
        String credentials = "{\"username\":\"" + mallory + "\",\"password\":\"" + PASSWORD + "\"}";
        pages.put("/login-form", formPage(node, "/api/login", credentials));
        pages.put("/login-fetch", fetchPage(node, "/api/login", credentials));

        ChatPage victim = browser(node.baseUrl());
        victim.driver().get(crossSite("/login-form"));
        victim.awaitTrue("the forged form answered", () -> victim.driver().getPageSource().contains("message"));
        assertTrue(victim.driver().getPageSource().contains("Cross-site request refused"), victim.driver().getPageSource());
        assertEquals(401, meStatus(victim, node), "the victim's browser is not logged in as the attacker");

        runFetches(victim, crossSite("/login-fetch"));
        assertEquals(401, meStatus(victim, node), "nor by fetch()");
        victim.awaitLoginForm();
    }

    @Test
    void aSameSiteSiblingCannotOpenRoomsOrLogTheVictimOut(ChatCluster chat) {
        PayaraNode node = chat.nodeA();
        String victimName = Users.unique("victim");
        ChatPage victim = browser(node.baseUrl());
        victim.login(victimName, PASSWORD);
        String victimId = (String) victim.js("return fetch('/api/me').then(r => r.json()).then(me => me.id)");
        String attackerId = new ChatHttp(node).loggedIn(Users.unique("sibling"), PASSWORD).getString("id");
        String room = Long.parseLong(victimId) < Long.parseLong(attackerId) ? victimId + ":" + attackerId : attackerId + ":" + victimId;
        String openRoom = "{\"user1\":\"" + victimId + "\",\"user2\":\"" + attackerId + "\"}";
        pages.put("/room-form", formPage(node, "/api/room", openRoom));
        pages.put("/room-fetch", fetchPage(node, "/api/room", openRoom));
        pages.put("/logout-form", formPage(node, "/api/logout", "{\"x\":\"y\"}"));
        pages.put("/logout-fetch", fetchPage(node, "/api/logout", "{}"));

        victim.driver().get(sameSiteSibling("/room-form"));
        victim.awaitTrue("the forged form answered", () -> victim.driver().getPageSource().contains("message"));
        runFetches(victim, sameSiteSibling("/room-fetch"));
        victim.driver().get(sameSiteSibling("/logout-form"));
        victim.awaitTrue("the forged logout answered", () -> victim.driver().getPageSource().contains("message"));
        runFetches(victim, sameSiteSibling("/logout-fetch"));

        assertFalse(chat.probe().set("user:" + victimId + ":rooms").contains(room), "no room was opened for the victim");
        assertEquals(200, meStatus(victim, node), "the victim is still logged in");
        victim.awaitChatAs(victimName);
    }

    @Test
    void lookAlikeNamesAreRefusedWithAReasonOnTheLoginForm(ChatCluster chat) {
        ChatPage page = browser(chat.nodeA().baseUrl());
        for (String name : List.of("P\u0430blo" /* Cyrillic a */, "\uD835\uDC0F\uD835\uDC1A\uD835\uDC1B\uD835\uDC25\uD835\uDC28" /* bold */)) {
            String error = createAccount(page, name);
            // Said when signing in, before the page offered to create what would be refused (found from outside).
            assertEquals("There is no account named " + name + ", and it looks like Pablo's name: sign in as Pablo, or choose another name",
                    error);
            assertFalse(page.isShown("#login-confirm"), "no offer to create it");
        }
        assertEquals("Username must not contain invisible characters", createAccount(page, "Pablo\u3164"));
        assertTrue(page.isShown("#login-form"), "still on the login form");
    }

    /** Types the name as given (invisible characters too), accepts the offer to create the account, returns the error shown. */
    private static String createAccount(ChatPage page, String name) {
        page.awaitLoginForm();
        page.js("document.getElementById('login-error').textContent = '';"
                + "document.getElementById('login-username').value = arguments[0];"
                + "document.getElementById('login-password').value = arguments[1];"
                + "document.getElementById('login-form').requestSubmit();", name, PASSWORD);
        page.await("an error, or the offer to create the account", d -> page.isShown("#login-confirm")
                || !page.find("#login-error").getText().isBlank() ? Boolean.TRUE : null);
        if (page.isShown("#login-confirm")) {
            page.find("#login-confirm-create").click();
        }
        return page.loginError();
    }

    @Test
    void theAccountPanelChangesThePasswordAndLogsOutOtherSessions(ChatCluster chat) {
        PayaraNode node = chat.nodeA();
        String name = Users.unique("owner");
        ChatPage page = browser(node.baseUrl()).login(name, PASSWORD);
        ChatHttp otherDevice = new ChatHttp(chat.nodeB());
        otherDevice.loggedIn(name, PASSWORD);

        page.find("#account-toggle").click();
        page.awaitTrue("the account panel", () -> page.isShown("#account"));
        page.assertReadable("the account panel");
        assertEquals(name, page.find("#password-username").getDomProperty("value"), "whose password, for password managers");
        page.find("#logout-others").click();
        page.awaitTrue("ended sessions reported", () -> page.find("#account-status").getText().equals("1 other session ended."));
        assertEquals(401, otherDevice.get("/api/me").status());

        page.find("#password-current").sendKeys("not my password");
        page.find("#password-new").sendKeys("an even better one");
        page.find("#password-submit").click();
        page.awaitTrue("the refusal shown", () -> page.find("#account-status").getText().equals("The current password is wrong"));
        page.find("#password-current").clear();
        page.find("#password-current").sendKeys(PASSWORD);
        page.find("#password-submit").click();
        page.awaitTrue("the change confirmed", () -> page.find("#account-status").getText().startsWith("Password changed."));
        assertEquals(200, new ChatHttp(node).login(name, "an even better one").status());
        page.awaitConnected();
    }
}
