package chat.browser;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.DroppingProxy;
import chat.testing.PayaraNode;
import chat.testing.SharedChat;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.interactions.Actions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a team needs day to day (issue 18), in Chromium against the shared two-node cluster:
 * finding anyone, read state that follows the user across logins, tabs and nodes, a hidden tab's
 * title and notifications, mentions, signing in without creating accounts by accident, drafts,
 * the outbox, the outage banner and safe links. Screenshots go to target/screenshots/.
 */
@ExtendWith(SharedChat.class)
class TeamReadingIT {

    private static final String PASSWORD = "secret-" + ThreadLocalRandom.current().nextInt(1000, 9999);

    private final List<ChatPage> pages = new ArrayList<>();

    @AfterEach
    void closeBrowsers(TestInfo test) throws IOException {
        Path debug = ChatPage.SCREENSHOTS.resolve("last-state");
        Files.createDirectories(debug);
        for (int i = 0; i < pages.size(); i++) {
            try {
                Files.write(debug.resolve(test.getTestMethod().orElseThrow().getName() + "-" + i + ".png"),
                        pages.get(i).driver().getScreenshotAs(OutputType.BYTES));
            } catch (RuntimeException alreadyClosed) {
                // closed by the test itself
            }
            pages.get(i).close();
        }
    }

    @Test
    void signingInNeverCreatesAnAccountAndLimitsAreShownBeforeSubmitting(ChatCluster chat) {
        String dana = name("Dana");
        ChatPage page = browser(chat.nodeA().baseUrl());
        page.awaitLoginForm();
        assertEquals("", page.find("#login-username").getDomProperty("value"), "no made-up name");
        assertEquals("Sign in", page.find("#login-submit").getText());

        page.find("#login-password").sendKeys(PASSWORD, Keys.ENTER); // only a password, then Enter
        assertEquals("Enter a username.", page.loginError());
        assertFalse(page.isShown("#chat"));

        page.submitLogin(dana, PASSWORD);
        page.awaitTrue("the offer to create the account", () -> page.isShown("#login-confirm"));
        assertTrue(page.find("#login-confirm-text").getText().contains(dana));
        assertNull(chat.probe().get("username:" + dana), "signing in registered nobody");
        page.screenshot("20-sign-in-asks-before-creating");
        page.find("#login-confirm-cancel").click();

        String tooLong = "n".repeat(33);
        page.submitLogin(tooLong, PASSWORD);
        assertEquals("A username may have at most 32 characters; this one has 33.", page.loginError());
        assertEquals(tooLong, page.find("#login-username").getDomProperty("value"), "nothing cut off");
        assertEquals("33/32", page.find("#login-username-count").getText());
        page.screenshot("21-name-too-long");

        page.submitLogin(dana, PASSWORD);
        page.awaitTrue("the offer to create the account", () -> page.isShown("#login-confirm"));
        page.find("#login-confirm-create").click();
        page.awaitChatAs(dana);
        page.logout();
        assertEquals(dana, page.find("#login-username").getDomProperty("value"), "the last name used");

        page.submitLogin(dana.toLowerCase(), PASSWORD); // the same person, typed in lower case
        page.awaitChatAs(dana);
        page.logout();

        page.find("#mode-register").click();
        assertEquals("Create account", page.find("#login-submit").getText());
        // The test nodes ask at least 1 character of a new password (PayaraNode.UNLIMITED): the page shows the node's setting.
        assertEquals("At least 1 character, at most 72 bytes.", page.find("#login-password-help").getText());
        page.submitLogin(dana.toUpperCase(), PASSWORD);
        assertTrue(page.loginError().contains("is taken"), "no look-alike account: " + page.loginError());
        assertNull(chat.probe().get("username:" + dana.toUpperCase()));
        page.screenshot("22-look-alike-name-taken");
        List<String> unexpected = page.newConsoleErrors().stream()
                .filter(e -> !e.matches(".*/api/login - Failed to load resource: the server responded with a status of 409 .*"))
                .toList();
        assertEquals(List.of(), unexpected);
    }

    @Test
    void theDirectoryFindsSomeoneWhoNeverPostedAndOpensAPrivateChat(ChatCluster chat) {
        String digits = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        String zoe = "Zoë" + digits;
        new ChatHttp(chat.nodeB()).loggedIn(zoe, PASSWORD); // registered, never posted, never online
        String alice = name("Alice");
        ChatPage a = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD);

        a.searchPeople("zoe" + digits.substring(0, 3)); // no accent, lower case, a prefix
        a.awaitTrue(zoe + " found, and only names starting so", () -> List.of(zoe).equals(
                a.js("return [...document.querySelectorAll('#people .person__name')].map(n => n.textContent)")));
        assertFalse(a.isOnline(zoe));
        a.screenshot("23-directory-search");

        a.clickPerson(zoe);
        a.awaitTrue("the private room with " + zoe, () -> zoe.equals(a.roomTitle()));
        assertEquals("Offline", a.find("#room-subtitle").getText());
        a.send("Hello " + zoe);
        a.awaitMessage("Hello " + zoe);
        a.awaitTrue("the room listed", () -> roomNames(a).equals(List.of("General", zoe)));

        // A room that arrives while the pointer is over the list does not push the others around.
        String bob = name("Bob");
        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        String bobId = bobHttp.loggedIn(bob, PASSWORD).getString("id");
        String aliceId = new ChatHttp(chat.nodeA()).loggedIn(alice, PASSWORD).getString("id");
        new Actions(a.driver()).moveToElement(a.find("#direct-rooms")).perform(); // the list itself: its items are redrawn
        String room = bobHttp.post("/api/room", Json.createObjectBuilder().add("user1", bobId).add("user2", aliceId)
                .build().toString()).object().getString("id");
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            bobSocket.sendMessage(room, "a new room, " + bob);
            a.awaitTrue("the new room below the others", () -> roomNames(a).equals(List.of("General", zoe, bob)));
            a.screenshot("36-list-holds-still-under-the-pointer");
            a.find("#composer-text").click(); // pointer and focus leave the list
            a.awaitTrue("newest first once the pointer left", () -> roomNames(a).equals(List.of("General", bob, zoe)));
        }

        // Arrow keys move through a list as through a menu.
        a.js("document.querySelector('#direct-rooms .room').focus()");
        new Actions(a.driver()).sendKeys(Keys.ARROW_DOWN).perform(); // to whatever has the focus (the list redraws)
        assertEquals(zoe, a.js("return document.activeElement.querySelector('.room__name').textContent"));
        new Actions(a.driver()).sendKeys(Keys.ARROW_UP).perform();
        assertEquals(bob, a.js("return document.activeElement.querySelector('.room__name').textContent"));
        assertEquals(List.of(), a.newConsoleErrors());
    }

    @SuppressWarnings("unchecked")
    private static List<String> roomNames(ChatPage page) {
        return (List<String>) page.js("return [...document.querySelectorAll('#rooms .room__name, #direct-rooms .room__name')].map(n => n.textContent)");
    }

    @Test
    void unreadCountsSurviveLoggingOutAndReadingOnOneNodeClearsTheOther(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatPage phone = browser(chat.nodeB().baseUrl(), 375, 812).login(alice, PASSWORD);
        String aliceId = new ChatHttp(chat.nodeA()).loggedIn(alice, PASSWORD).getString("id");
        String marks = "chat:read:" + aliceId;
        phone.awaitTrue("Alice's read state started", () -> chat.probe().hash(marks).containsKey("*"));
        phone.logout();

        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        String bobId = bobHttp.loggedIn(bob, PASSWORD).getString("id");
        String room = bobHttp.post("/api/room", Json.createObjectBuilder().add("user1", bobId).add("user2", aliceId)
                .build().toString()).object().getString("id");
        String mention = "@" + alice.toLowerCase() + " have a look, please.";
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            bobSocket.sendMessage(room, "one while you were out");
            bobSocket.sendMessage(room, "two while you were out");
            bobSocket.sendMessage("0", mention);
            bobSocket.awaitMessage(mention);
        }

        phone.login(alice, PASSWORD); // a phone shows the room list: nothing is read yet
        phone.awaitTrue("two unread from " + bob, () -> "2".equals(phone.unreadBadge(bob)));
        phone.awaitTrue("a mention in General", () -> "@1".equals(phone.mentionBadge("General"))
                && !phone.unreadBadge("General").isEmpty());
        phone.screenshot("24-unread-after-logging-back-in");

        ChatPage desk = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD); // another device, the other node
        assertEquals("General", desk.roomTitle());
        phone.awaitTrue("General read on the desk clears it on the phone",
                () -> phone.unreadBadge("General").isEmpty() && phone.mentionBadge("General").isEmpty());
        assertEquals("2", phone.unreadBadge(bob));
        Map<String, Object> highlighted = desk.awaitMessage(mention);
        assertEquals(false, highlighted.get("own"));
        assertEquals(1L, desk.js("return document.querySelectorAll('#messages .message--mentions-me mark.mention--me').length"));
        desk.screenshot("25-mention-highlighted");

        desk.openRoom(bob);
        desk.awaitMessage("one while you were out");
        assertEquals(List.of("New messages", "one while you were out"), desk.js("""
                const d = document.querySelector('#messages .unread-divider');
                return d ? [d.textContent, d.nextElementSibling.querySelector('.message__text').textContent] : null;"""));
        desk.screenshot("26-new-messages-divider");
        phone.awaitTrue("the room read on the desk is read on the phone", () -> phone.unreadBadge(bob).isEmpty());
        phone.screenshot("27-read-elsewhere-cleared");
        desk.find("#mute").click();
        phone.awaitTrue("the room muted on the desk is muted on the phone", () -> Boolean.TRUE.equals(phone.awaitRoom(bob).get("muted")));
        desk.find("#room-hide").click();
        desk.awaitTrue("the hidden room gone from the desk", () -> desk.room(bob) == null);
        phone.awaitTrue("the room hidden on the desk is gone from the phone", () -> phone.room(bob) == null);

        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            // A message brings the hidden room back with that one message unread (every message it ever had
            // counted as unread before, and "New messages" stood above the first of them).
            bobSocket.sendMessage(room, "three, after you hid the room");
            phone.awaitTrue("the room back on the phone, one unread", () -> phone.room(bob) != null && "1".equals(phone.unreadBadge(bob)));
            desk.awaitTrue("the room back on the desk, one unread", () -> desk.room(bob) != null && "1".equals(desk.unreadBadge(bob)));
            desk.openRoom(bob);
            desk.awaitMessage("three, after you hid the room");
            assertEquals(List.of("New messages", "three, after you hid the room"), desk.js("""
                    const d = document.querySelector('#messages .unread-divider');
                    return d ? [d.textContent, d.nextElementSibling.querySelector('.message__text').textContent] : null;"""));
            phone.awaitTrue("read on the desk, read on the phone", () -> phone.unreadBadge(bob).isEmpty());
            desk.openRoom("General");

            // An unread message deleted and another edited to mention Alice: the counts follow in every tab
            // (they stayed as they were until the next reconnect).
            bobSocket.sendMessage(room, "four");
            String four = bobSocket.awaitMessage("four").getJsonObject("data").getString("id");
            bobSocket.sendMessage(room, "five");
            String five = bobSocket.awaitMessage("five").getJsonObject("data").getString("id");
            phone.awaitTrue("two unread on the phone", () -> "2".equals(phone.unreadBadge(bob)));
            assertEquals(204, bobHttp.delete("/api/room/" + room + "/messages/" + four).status());
            assertEquals(200, bobHttp.patch("/api/room/" + room + "/messages/" + five,
                    "{\"message\":\"five, @" + alice.toLowerCase() + "\"}").status());
            phone.awaitTrue("one unread, one mention on the phone",
                    () -> "1".equals(phone.unreadBadge(bob)) && "@1".equals(phone.mentionBadge(bob)));
            desk.awaitTrue("one unread, one mention on the desk",
                    () -> "1".equals(desk.unreadBadge(bob)) && "@1".equals(desk.mentionBadge(bob)));
        }
        assertEquals(List.of(), desk.newConsoleErrors());
        assertEquals(List.of(), phone.newConsoleErrors());
    }

    @Test
    void aHiddenTabCountsInItsTitleAndNotifiesOfPrivateMessagesAndMentions(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        bobHttp.loggedIn(bob, PASSWORD);
        ChatPage a = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD);
        String aliceId = new ChatHttp(chat.nodeA()).loggedIn(alice, PASSWORD).getString("id");
        String bobId = bobHttp.get("/api/me").object().getString("id");
        String room = bobHttp.post("/api/room", Json.createObjectBuilder().add("user1", bobId).add("user2", aliceId)
                .build().toString()).object().getString("id");

        a.driver().executeCdpCommand("Browser.grantPermissions",
                Map.of("origin", a.baseUrl(), "permissions", List.of("notifications")));
        a.find("#notify").click();
        a.awaitTrue("notifications on", () -> "true".equals(a.find("#notify").getDomAttribute("aria-pressed")));
        a.screenshot("28-notifications-on");
        a.js("""
                window.shown = [];
                const Real = window.Notification;
                window.Notification = class extends Real {
                    constructor(title, options) { window.shown.push({title, body: options.body}); super(title, options); }
                };""");
        hide(a, true);

        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            bobSocket.sendMessage("0", "plain words for everyone");
            a.awaitTrue("the open room counts while hidden", () -> a.driver().getTitle().startsWith("(1) General"));
            bobSocket.sendMessage(room, "psst, private");
            a.awaitTrue("two unread", () -> a.driver().getTitle().startsWith("(2) "));
            bobSocket.sendMessage("0", "@" + alice + " you are needed");
            a.awaitTrue("three unread", () -> a.driver().getTitle().startsWith("(3) "));
            assertEquals(List.of(Map.of("title", bob, "body", "psst, private"),
                    Map.of("title", bob + " mentioned you in General", "body", "@" + alice + " you are needed")), a.js("return window.shown"));

            a.openRoom(bob);
            a.find("#mute").click();
            a.awaitTrue("muted", () -> "true".equals(a.find("#mute").getDomAttribute("aria-pressed")));
            a.openRoom("General");
            bobSocket.sendMessage(room, "muted now");
            a.awaitTrue("the muted room's message arrived", () -> a.roomPreview(bob).equals("muted now"));
            assertEquals(2L, a.js("return window.shown.length"), "nothing from a muted room");
        }
        hide(a, false);
        a.awaitTrue("General read once seen; the muted room is not counted in the title",
                () -> a.driver().getTitle().equals("General · redis-chat"));
        a.screenshot("29-muted-room-and-title");
        assertEquals(List.of(), a.newConsoleErrors());
    }

    @Test
    void draftsStayInTheirRoomTheOutageIsShownAndTheOutboxSendsOnceAfterTheNodeDies(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        String bobId = bobHttp.loggedIn(bob, PASSWORD).getString("id");
        String aliceId = new ChatHttp(chat.nodeA()).loggedIn(alice, PASSWORD).getString("id");
        String room = bobHttp.post("/api/room", Json.createObjectBuilder().add("user1", bobId).add("user2", aliceId)
                .build().toString()).object().getString("id");
        String offline = "Typed while the node was down, " + alice;

        try (DroppingProxy redisPath = new DroppingProxy(chat.redis().port());
             PayaraNode doomed = PayaraNode.start("node-outbox", "redis://127.0.0.1:" + redisPath.port());
             DroppingProxy balancer = new DroppingProxy(doomed.port());
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            bobSocket.sendMessage(room, "hi " + alice);
            bobSocket.awaitMessage("hi " + alice);
            ChatPage a = browser(balancer.baseUrl()).login(alice, PASSWORD);

            a.type("draft for everyone");
            a.openRoom(bob);
            assertEquals("", a.composerText(), "General's draft stays in General");
            a.find("#composer-text").sendKeys(Keys.ENTER);
            a.awaitTrue("empty text refused", () -> a.isShown("#composer-error"));
            a.type("draft for " + bob);
            assertFalse(a.isShown("#composer-error"), "the error went when it stopped being true");
            a.openRoom("General");
            assertEquals("draft for everyone", a.composerText());
            a.openRoom(bob);
            assertEquals("draft for " + bob, a.composerText());
            a.reload();
            a.awaitChatAs(alice);
            a.awaitTrue("the last room reopened", () -> bob.equals(a.roomTitle()));
            assertEquals("draft for " + bob, a.composerText(), "kept across the reload");
            a.screenshot("30-draft-kept-across-reload");

            redisPath.cut();
            a.awaitTrue("the store banner", () -> a.isShown("#store-banner"));
            assertTrue(a.find("#chat").getDomAttribute("class").contains("chat--down"), "presence marked stale");
            a.screenshot("31-store-unavailable");
            redisPath.restore();
            a.awaitTrue("the store banner gone", () -> !a.isShown("#store-banner"));

            doomed.kill();
            a.awaitTrue("the connection banner", () -> a.isShown("#banner"));
            a.clearComposer();
            a.send(offline);
            a.awaitTrue("waiting in the outbox", () -> a.isShown("#messages .message--pending"));
            a.screenshot("32-outbox-waiting");

            balancer.retarget(chat.nodeA().port());
            a.awaitConnected();
            bobSocket.awaitMessage(offline);
            a.awaitMessage(offline);
            a.awaitTrue("the outbox empty", () -> !a.isShown("#messages .message--pending"));
            a.send("and after it");
            bobSocket.awaitMessage("and after it");
            assertEquals(1, bobSocket.messages().stream().filter(m -> offline.equals(m.getString("message"))).count(),
                    "delivered once");
            long stored = bobHttp.get("/api/room/" + room + "/messages?offset=0&size=50").array().stream()
                    .filter(m -> offline.equals(((JsonObject) m).getString("message"))).count();
            assertEquals(1, stored, "stored once");
            assertEquals(1, a.messageTexts().stream().filter(offline::equals).count(), "shown once");
            a.screenshot("33-outbox-sent-once");
        }
    }

    @Test
    void linksAreClickableAndNothingElseBecomesMarkup(ChatCluster chat) {
        String alice = name("Alice");
        // Twelve digits: the autocomplete below types all but the last, which no other user of the shared cluster shares.
        String bob = name(name("Bob"));
        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        bobHttp.loggedIn(bob, PASSWORD);
        ChatPage a = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD);
        String text = "Docs at https://example.com/guide?a=1&b=<2>, not javascript:alert(1), "
                + "nor <a href=\"javascript:alert(2)\">this</a>, nor http://\"onmouseover=alert(3) "
                + "nor data:text/html,<script>alert(4)</script> (see http://example.org/x_(y)).";
        String spoof = "Photo: https://example.com/\u202Egpj.exe";
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            bobSocket.sendMessage("0", text);
            a.awaitMessage(text); // the text exactly as sent
            bobSocket.sendMessage("0", spoof);
            a.awaitMessage("Photo: https://example.com/gpj.exe");
            // Look-alike slashes and letters in a host, or a name before it: the link read as one address and opened
            // another (found from outside). It is shown as the browser opens it.
            bobSocket.sendMessage("0", "Sign in: https://github.com\u2215org\u2215repo.evil-example.net/ https://p\u0430ypal.com/invoice "
                    + "https://paypal.com@evil-example.com/login");
            a.awaitMessages("the look-alike links", texts -> texts.stream().anyMatch(t -> t.startsWith("Sign in: ")));
        }
        assertEquals(List.of(
                List.of("https://github.xn--comorgrepo-9g1fd.evil-example.net/", "https://github.xn--comorgrepo-9g1fd.evil-example.net/"),
                List.of("https://xn--pypal-4ve.com/invoice", "https://xn--pypal-4ve.com/invoice"),
                List.of("https://evil-example.com/login", "https://evil-example.com/login")), a.js("""
                const m = [...document.querySelectorAll('#messages .message')]
                    .find(m => m.querySelector('.message__text').textContent.startsWith('Sign in: '));
                return [...m.querySelectorAll('a')].map(l => [l.getAttribute('href'), l.textContent]);"""));
        // A right-to-left override inside a link would make it read ".../exe.jpg": the link shows its text without bidi
        // controls, isolated left to right, so that it reads as where it leads.
        assertEquals(List.of("https://example.com/%E2%80%AEgpj.exe", "https://example.com/gpj.exe", "ltr"), a.js("""
                const link = [...document.querySelectorAll('#messages .message__link')].find(l => l.textContent.endsWith('gpj.exe'));
                return [link.getAttribute('href'), link.textContent, link.dir];"""));
        Object links = a.js("""
                const m = [...document.querySelectorAll('#messages .message')].find(m => m.querySelector('.message__text').textContent === arguments[0]);
                return [...m.querySelectorAll('a')].map(l => [l.getAttribute('href'), l.textContent, l.rel, l.target]);""", text);
        assertEquals(List.of(
                List.of("https://example.com/guide?a=1&b=", "https://example.com/guide?a=1&b=", "noopener noreferrer", "_blank"),
                List.of("http://example.org/x_(y)", "http://example.org/x_(y)", "noopener noreferrer", "_blank")), links);
        assertEquals(0L, a.js("return document.querySelectorAll('#chat script, #chat img, [onmouseover], a[href^=\"javascript\"], a[href^=\"data\"]').length"));
        assertFalse(a.alertIsOpen());
        a.screenshot("34-links-safe");

        a.type("thanks @" + bob.substring(0, bob.length() - 1)); // the directory completes the name
        a.awaitTrue("the mention list offers " + bob, () -> a.isShown("#mention-list")
                && a.find("#mention-list").getText().contains("@" + bob));
        a.screenshot("35-mention-autocomplete");
        a.find("#composer-text").sendKeys(Keys.ENTER);
        assertEquals("thanks @" + bob + " ", a.composerText(), "Enter picks the name, it does not send");
        a.find("#composer-text").sendKeys("and see you", Keys.ENTER);
        a.awaitMessage("thanks @" + bob + " and see you");
        assertEquals(List.of(), a.newConsoleErrors());
    }

    /** The page believes its tab is hidden (or shown again), as when the user switches tabs. */
    private static void hide(ChatPage page, boolean hidden) {
        page.js("""
                Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => arguments[0] ? 'hidden' : 'visible'});
                Object.defineProperty(document, 'hidden', {configurable: true, get: () => arguments[0]});
                document.dispatchEvent(new Event('visibilitychange'));""", hidden);
    }

    private ChatPage browser(String baseUrl) {
        return browser(baseUrl, 1440, 900);
    }

    private ChatPage browser(String baseUrl, int width, int height) {
        ChatPage page = ChatPage.open(baseUrl, width, height);
        pages.add(page);
        return page;
    }

    private static String name(String prefix) {
        return prefix + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }
}
