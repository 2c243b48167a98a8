package chat.browser;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.DroppingProxy;
import chat.testing.PayaraNode;
import chat.testing.SharedChat;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client end to end: Debian's Chromium against the two Payara Micro nodes of the
 * shared cluster (one Redis). Every user name is fresh, since other tests share that Redis.
 */
@ExtendWith(SharedChat.class)
class BrowserIT {

    private static final String PASSWORD = "secret-" + ThreadLocalRandom.current().nextInt(1000, 9999);
    private static final String XSS = "<img src=x onerror=alert(1)>";

    private final List<ChatPage> pages = new ArrayList<>();

    @AfterEach
    void closeBrowsers(TestInfo test) throws IOException {
        Path debug = ChatPage.SCREENSHOTS.resolve("last-state");
        Files.createDirectories(debug);
        for (int i = 0; i < pages.size(); i++) {
            ChatPage page = pages.get(i);
            try {
                Files.write(debug.resolve(test.getTestMethod().orElseThrow().getName() + "-" + i + ".png"),
                        page.driver().getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            } catch (RuntimeException alreadyClosed) {
                // closed by the test itself
            }
            page.close();
        }
    }

    @Test
    void twoPeopleOnTwoNodesChatInGeneral(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatPage a = browser(chat.nodeA().baseUrl());
        a.awaitLoginForm();
        assertEquals("", a.find("#login-username").getDomProperty("value"), "no made-up name on a first visit");
        assertTrue(a.find("#login-hint").getText().contains("Pablo"), "the demo users are hinted");
        a.screenshot("01-login");

        a.login(alice, PASSWORD);
        assertOwnNameShownWhole(a);
        ChatPage b = browser(chat.nodeB().baseUrl()).login(bob, PASSWORD);
        assertEquals("General", a.roomTitle());

        String hello = "Hello from node A, " + bob + "!";
        a.send(hello);
        assertEquals(true, a.awaitMessage(hello).get("own"), "own messages are told apart");
        Map<String, Object> received = b.awaitMessage(hello);
        assertEquals(false, received.get("own"));
        assertEquals(alice, received.get("sender"));
        assertTrue(received.get("time").toString().matches("\\d{1,2}:\\d{2}( [AP]M)?"), "a local time: " + received);
        assertEquals(1L, received.get("avatars"), "an avatar");

        String reply = "Hi " + alice + ", node B here.";
        b.type(reply);
        b.find("#send").click();
        a.awaitMessage(reply);
        b.awaitMessage(reply);
        a.awaitTrue("General's preview shows the reply",
                () -> a.roomPreview("General").contains(reply));
        assertEquals(1, a.messageTexts().stream().filter(hello::equals).count(), "shown once");

        a.find("#composer-text").click();
        assertEquals(Map.of("id", "send", "ring", true), a.tab(), "Tab reaches Send, with a visible focus ring");
        a.screenshot("02-general-alice-node-a");
        b.screenshot("03-general-bob-node-b");
        a.assertReadable("General");
        a.js("const people = document.getElementById('people');" // every avatar colour, whoever happens to be listed
                + "for (let i = 0; i < 10; i++) people.insertAdjacentHTML('beforeend', `<li><span class='avatar avatar--c${i}'>MW</span></li>`);");
        a.assertReadable("an avatar of each colour");
        assertNoConsoleErrors(a, b);
    }

    @Test
    void wrongPasswordSessionRestoreAndLogout(ChatCluster chat) {
        String carol = name("Carol");
        ChatPage page = browser(chat.nodeA().baseUrl());
        page.submitLogin(XSS, PASSWORD);
        assertTrue(page.loginError().startsWith("A username may only have"), "the form's message for an invalid name");
        assertFalse(page.alertIsOpen());

        page.login(carol, PASSWORD); // a new name registers
        page.logout();
        page.submitLogin(carol, "not-" + PASSWORD);
        assertEquals("Invalid username or password", page.loginError());
        assertFalse(page.isShown("#chat"));
        page.screenshot("04-wrong-password");

        page.login(carol, PASSWORD);
        page.reload();
        page.awaitChatAs(carol); // restored from /api/me
        assertFalse(page.isShown("#login-form"));

        page.logout();
        page.reload();
        page.awaitLoginForm();
        assertFalse(page.isShown("#chat"), "the session ended with the logout");
        // The refused logins are the server's answers (400, 401), which the browser logs; nothing else may be.
        List<String> unexpected = page.newConsoleErrors().stream()
                .filter(e -> !e.matches(".*/api/login - Failed to load resource: the server responded with a status of 40[01] .*"))
                .toList();
        assertEquals(List.of(), unexpected);
    }

    /**
     * Sign-ins that must wait for others being checked are answered "try again in a moment" (429 with a short
     * Retry-After); the page showed that and left the trying again to the user. It now tries again itself.
     */
    @Test
    void aSignInToldToComeBackInAMomentIsTriedAgainByThePage(ChatCluster chat) throws InterruptedException {
        String dana = name("Dana");
        new ChatHttp(chat.nodeA()).loggedIn(dana, PASSWORD);
        ChatPage page = browser(chat.nodeA().baseUrl());
        page.awaitLoginForm();
        ExecutorService others = Executors.newFixedThreadPool(12);
        AtomicBoolean signingIn = new AtomicBoolean(true);
        try {
            for (int i = 0; i < 12; i++) {
                others.submit(() -> {
                    while (signingIn.get()) {
                        new ChatHttp(chat.nodeA()).login(dana, PASSWORD); // a new browser each time
                    }
                });
            }
            page.submitLogin(dana, PASSWORD);
            page.awaitTrue("the page trying again", () -> page.find("#login-error").getText().contains("trying again"));
        } finally {
            signingIn.set(false);
            others.shutdown();
            assertTrue(others.awaitTermination(60, TimeUnit.SECONDS), "the other sign-ins ended");
        }
        page.awaitChatAs(dana);
    }

    @Test
    void loggingOutInOneTabEndsTheSessionInTheOther(ChatCluster chat) {
        String erin = name("Erin");
        ChatPage page = browser(chat.nodeB().baseUrl()).login(erin, PASSWORD);
        String firstTab = page.driver().getWindowHandle();
        page.driver().switchTo().newWindow(WindowType.TAB);
        page.driver().get(page.baseUrl() + "/");
        page.awaitChatAs(erin); // the same session, restored
        page.logout();

        page.driver().switchTo().window(firstTab);
        page.awaitLoginForm();
        assertEquals("Your session has ended. Please log in again.", page.find("#login-error").getText());
        assertEquals(erin, page.find("#login-username").getDomProperty("value"), "the name is offered again");
        assertFalse(page.isShown("#chat"));
        page.screenshot("16-session-ended-in-another-tab");
    }

    @Test
    void clickingAPersonOpensAPrivateRoomAndPresenceIsLive(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatPage a = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD);
        ChatPage b = browser(chat.nodeB().baseUrl()).login(bob, PASSWORD);
        a.awaitPresence(bob, true); // Bob came online on the other node after Alice logged in

        a.clickPerson(bob);
        a.awaitTrue("the private room with " + bob, () -> bob.equals(a.roomTitle()));
        assertEquals("Online", a.find("#room-subtitle").getText());
        String psst = "Psst, " + bob + ", a private word";
        a.send(psst);
        a.awaitMessage(psst);

        b.awaitTrue("the new room shown live with one unread", () -> "1".equals(b.unreadBadge(alice)));
        b.screenshot("05-private-room-arrives-unread");
        b.openRoomWithKeyboard(alice);
        b.awaitMessage(psst);
        assertEquals("", b.unreadBadge(alice), "read once opened");
        b.send("Got it");
        a.awaitMessage("Got it");
        assertEquals(List.of(psst, "Got it"), a.messageTexts());
        a.screenshot("06-private-room");

        b.close();
        pages.remove(b);
        a.awaitPresence(bob, false);
        a.awaitTrue("the room header says offline", () -> "Offline".equals(a.find("#room-subtitle").getText()));
        a.screenshot("07-presence-offline");
        assertNoConsoleErrors(a);
    }

    @Test
    void aRoomListPointedAtKeepsItsOrderUntilThePointerLeaves(ChatCluster chat) {
        String gina = name("Gina");
        ChatPage page = browser(chat.nodeA().baseUrl()).login(gina, PASSWORD);
        String ginaId = new ChatHttp(chat.nodeA()).loggedIn(gina, PASSWORD).getString("id");
        String hal = name("Hal");
        String ida = name("Ida");
        writeTo(chat, ginaId, hal, "first from Hal");
        writeTo(chat, ginaId, ida, "then Ida");
        page.awaitTrue("both conversations listed", () -> directRooms(page).size() == 2);
        assertEquals(List.of(ida, hal), directRooms(page), "the newest first");

        new Actions(page.driver()).moveToElement(page.find("#direct-rooms")).perform();
        writeTo(chat, ginaId, hal, "Hal again");
        page.awaitTrue("Hal's new message in the list", () -> page.roomPreview(hal).contains("Hal again"));
        assertEquals(List.of(ida, hal), directRooms(page), "nothing moves under the pointer");

        new Actions(page.driver()).moveToElement(page.find("#composer-text")).perform();
        page.awaitTrue("the list in order once the pointer left", () -> List.of(hal, ida).equals(directRooms(page)));
        assertNoConsoleErrors(page);
    }

    /**
     * A message that comes while the room is being hidden in another tab: this tab lists the room
     * as the server does. The message counted after the hiding brought the room back on the server,
     * while the tab, told of the hiding after the message, had dropped it (9 of 60 from outside).
     */
    @Test
    void aRoomHiddenWhileAMessageComesIsListedAsTheServerListsIt(ChatCluster chat) throws Exception {
        String hana = name("Hana");
        ChatPage page = browser(chat.nodeA().baseUrl()).login(hana, PASSWORD);
        ChatHttp otherTab = new ChatHttp(chat.nodeB());
        String hanaId = otherTab.loggedIn(hana, PASSWORD).getString("id");
        ChatHttp ivo = new ChatHttp(chat.nodeB());
        String ivoName = name("Ivo");
        String ivoId = ivo.loggedIn(ivoName, PASSWORD).getString("id");
        String room = ivo.post("/api/room", Json.createObjectBuilder().add("user1", ivoId).add("user2", hanaId).build().toString())
                .object().getString("id");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ChatSocketClient ivoSocket = ChatSocketClient.connect(chat.nodeA(), ivo)) {
            for (int round = 0; round < 30; round++) {
                String before = "before hiding " + round;
                ivoSocket.sendMessage(room, before);
                page.awaitTrue("the room listed with its message", () -> directRooms(page).contains(ivoName)
                        && page.roomPreview(ivoName).contains(before));
                CountDownLatch go = new CountDownLatch(1);
                Future<Integer> hiding = pool.submit(() -> {
                    go.await();
                    return otherTab.post("/api/rooms/" + hanaId + "/hidden", "{\"roomId\":\"" + room + "\"}").status();
                });
                String during = "while hiding " + round;
                int offset = round % 6;
                Future<?> writing = pool.submit(() -> {
                    go.await();
                    // Not to wait for anything: spread over the few milliseconds the hiding takes to count the messages.
                    TimeUnit.MILLISECONDS.sleep(offset);
                    ivoSocket.sendMessage(room, during);
                    return null;
                });
                go.countDown();
                assertEquals(204, hiding.get(20, TimeUnit.SECONDS));
                writing.get(20, TimeUnit.SECONDS);
                ivoSocket.awaitMessage(during);
                boolean listed = otherTab.get("/api/rooms/" + hanaId).array().stream()
                        .anyMatch(r -> room.equals(r.asJsonObject().getString("id")));
                System.out.println("hiding race round " + round + ": the server lists the room " + listed);
                int at = round;
                page.awaitTrue("round " + at + ": the page listing the room as the server does (" + listed + ")",
                        () -> directRooms(page).contains(ivoName) == listed);
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoConsoleErrors(page);
    }

    /**
     * Two devices muting and unmuting a room at once: a third tab shows what the server keeps. Each
     * node told its own tabs first, so tabs heard the two changes in different orders and kept the
     * one the server did not (4 of 30 from outside).
     */
    @Test
    void aRoomMutedAndUnmutedAtOnceShowsWhatTheServerKeeps(ChatCluster chat) throws Exception {
        String jan = name("Jan");
        ChatPage page = browser(chat.nodeA().baseUrl()).login(jan, PASSWORD);
        ChatHttp onA = new ChatHttp(chat.nodeA());
        onA.loggedIn(jan, PASSWORD);
        ChatHttp onB = new ChatHttp(chat.nodeB());
        onB.loggedIn(jan, PASSWORD);
        page.awaitRoom("General");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                boolean first = round % 2 == 0;
                CountDownLatch go = new CountDownLatch(1);
                Future<Integer> muting = pool.submit(() -> {
                    go.await();
                    return onA.post("/api/reads/mute", "{\"roomId\":\"0\",\"muted\":" + first + "}").status();
                });
                Future<Integer> unmuting = pool.submit(() -> {
                    go.await();
                    return onB.post("/api/reads/mute", "{\"roomId\":\"0\",\"muted\":" + !first + "}").status();
                });
                go.countDown();
                assertEquals(204, muting.get(20, TimeUnit.SECONDS));
                assertEquals(204, unmuting.get(20, TimeUnit.SECONDS));
                boolean kept = onA.get("/api/reads").object().getJsonObject("0").getBoolean("muted");
                int at = round;
                page.awaitTrue("round " + at + ": the page showing General " + (kept ? "muted" : "unmuted") + " as the server keeps it",
                        () -> Boolean.valueOf(kept).equals(page.room("General").get("muted")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoConsoleErrors(page);
    }

    /** Signs the user in (registering them the first time) and sends one message in their private room with the other. */
    private static void writeTo(ChatCluster chat, String toId, String from, String text) {
        ChatHttp sender = new ChatHttp(chat.nodeB());
        String fromId = sender.loggedIn(from, PASSWORD).getString("id");
        String room = sender.post("/api/room", Json.createObjectBuilder().add("user1", fromId).add("user2", toId).build().toString())
                .object().getString("id");
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeB(), sender)) {
            socket.sendMessage(room, text);
            socket.awaitMessage(text);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> directRooms(ChatPage page) {
        return (List<String>) page.js("return [...document.querySelectorAll('#direct-rooms .room__name')].map(n => n.textContent);");
    }

    @Test
    void markupInAMessageIsShownAsText(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatPage a = browser(chat.nodeA().baseUrl()).login(alice, PASSWORD);
        ChatPage b = browser(chat.nodeB().baseUrl()).login(bob, PASSWORD);
        a.send(XSS);
        a.awaitMessage(XSS);
        b.awaitMessage(XSS);
        for (ChatPage page : List.of(a, b)) {
            assertFalse(page.alertIsOpen(), "no script ran");
            assertEquals(0L, page.js("return document.querySelectorAll('#chat img').length"), "no element was made");
            page.awaitTrue("the sidebar preview shows the text",
                    () -> page.roomPreview("General").endsWith(XSS));
        }
        b.screenshot("08-xss-shown-literally");
        assertNoConsoleErrors(a, b);
    }

    @Test
    void marksStackedOnALetterStayInsideTheirMessage(ChatCluster chat) throws IOException {
        PrivateRoom pair = PrivateRoom.of(chat);
        // A thousand accents on one letter: drawn as a tower that ran up over the messages above it.
        String tower = "Z" + "\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c".repeat(100) + " tower";
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), pair.bobHttp())) {
            bobSocket.sendMessage(pair.room(), "hello");
            ChatPage a = browser(chat.nodeA().baseUrl()).login(pair.alice(), PASSWORD);
            a.openRoom(pair.bob());
            a.send("my message, on the right");
            a.awaitMessage("my message, on the right");
            bobSocket.sendMessage(pair.room(), tower);
            a.awaitMessage(tower);

            // Bob's tower is on the left, right under Alice's own message on the right: above its letter, nothing is drawn.
            @SuppressWarnings("unchecked")
            Map<String, Object> at = (Map<String, Object>) a.js("""
                    const text = [...document.querySelectorAll('#messages .message__text')].find(t => t.textContent === arguments[0]);
                    const letter = text.getBoundingClientRect(), bubble = text.closest('.bubble').getBoundingClientRect();
                    let behind = text.closest('.message');
                    while (getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)') { behind = behind.parentElement; }
                    return {x: letter.left, top: bubble.top, scale: devicePixelRatio,
                            background: getComputedStyle(behind).backgroundColor.match(/\\d+/g).map(Number)};
                    """, tower);
            double scale = ((Number) at.get("scale")).doubleValue();
            List<?> background = (List<?>) at.get("background");
            java.awt.image.BufferedImage shot = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    a.driver().getScreenshotAs(org.openqa.selenium.OutputType.BYTES)));
            int left = (int) (((Number) at.get("x")).doubleValue() * scale);
            int top = (int) (((Number) at.get("top")).doubleValue() * scale);
            int inked = 0;
            for (int y = top - (int) (60 * scale); y < top - 1; y++) {
                for (int x = left; x < left + 16 * scale; x++) {
                    int rgb = shot.getRGB(x, y);
                    int[] pixel = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
                    for (int c = 0; c < 3; c++) {
                        if (Math.abs(pixel[c] - ((Number) background.get(c)).intValue()) > 40) {
                            inked++;
                            break;
                        }
                    }
                }
            }
            a.screenshot("09-stacked-marks-kept-in-their-message");
            assertEquals(0, inked, "pixels drawn above the message, outside it");
        }
    }

    @Test
    void aPhoneWideViewportIsUsable(ChatCluster chat) {
        String dana = name("Dana");
        ChatPage phone = browser(chat.nodeB().baseUrl(), 375, 812);
        phone.awaitLoginForm();
        assertEquals(375L, phone.js("return window.innerWidth"));
        assertFitsWidth(phone);
        phone.screenshot("09-phone-login");

        // A name nobody has is quoted in the offer to create it: 32 letters without a break once widened the card beyond the screen.
        String unknown = "Bartholomew_Maximilian_" + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000);
        phone.submitLogin(unknown, PASSWORD);
        phone.awaitTrue("the offer to create the account", () -> phone.isShown("#login-confirm"));
        assertEquals(375L, phone.js("return window.innerWidth"), "not zoomed out");
        assertFitsWidth(phone);
        assertEquals(List.of(), phone.js("""
                const problems = [];
                const card = document.querySelector('.login__card').getBoundingClientRect();
                if (card.left < 0 || card.right > window.innerWidth) problems.push('the card runs off the screen: ' + card.left + '-' + card.right);
                for (const el of document.querySelectorAll('.login__card, .login__card *:not(input)')) { // a field scrolls its text
                  if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto') {
                    problems.push((el.id || el.className) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth);
                  }
                }
                return problems;"""), "the offer to create an account with a long name, on a phone");
        phone.screenshot("09-phone-create-offer");
        phone.find("#login-confirm-cancel").click();
        phone.awaitTrue("the offer withdrawn", () -> !phone.isShown("#login-confirm"));

        // A 32-character name among the people once widened the list, and so the phone's page, beyond the screen.
        String longName = "Aaron_Maximilian_Alexander_" + ThreadLocalRandom.current().nextInt(10_000, 100_000);
        new ChatHttp(chat.nodeA()).loggedIn(longName, PASSWORD);
        phone.login(dana, PASSWORD);
        assertTrue(phone.isShown(".sidebar") && !phone.isShown(".conversation"), "a phone shows the room list first");
        phone.awaitTrue("the long name among the people", () -> phone.find("#people").getText().contains(longName.substring(0, 20)));
        assertEquals(375L, phone.js("return window.innerWidth"), "not zoomed out");
        assertFitsWidth(phone);
        phone.screenshot("10-phone-rooms");

        phone.openRoom("General");
        assertFalse(phone.isShown(".sidebar"));
        String text = "Typed on a phone by " + dana + ", long enough to wrap over several lines of a narrow screen.";
        phone.send(text);
        phone.awaitMessage(text);
        assertFitsWidth(phone);
        Map<?, ?> send = (Map<?, ?>) phone.js("const r = document.getElementById('send').getBoundingClientRect();"
                + "return {right: r.right, bottom: r.bottom};");
        assertTrue(((Number) send.get("right")).doubleValue() <= 375 && ((Number) send.get("bottom")).doubleValue() <= 812,
                "the send button is on screen: " + send);
        phone.screenshot("11-phone-conversation");
        // No hover on a touch screen: the message's tools were invisible and still took taps (found from outside).
        assertEquals(Boolean.TRUE, phone.js("return matchMedia('(hover: none)').matches"), "a touch screen, as a phone's");
        assertEquals(1.0, ((Number) phone.js("const own = [...document.querySelectorAll('#messages .message--own')].pop();"
                + "return Number(getComputedStyle(own.querySelector('.message__tools')).opacity);")).doubleValue(),
                "the tools of one's own message seen on a phone");

        // A direct message with a mention while the phone shows General: a phone shows no title and the room list is
        // hidden, so nothing on screen told of it (found from outside). The back button counts what waits elsewhere.
        String danaId = new ChatHttp(chat.nodeB()).loggedIn(dana, PASSWORD).getString("id");
        String erinName = name("Erin");
        writeTo(chat, danaId, erinName, "@" + dana + " have a look");
        phone.awaitTrue("the back button telling of it", () -> phone.isShown("#back-count") && "1".equals(phone.find("#back-count").getText()));
        phone.screenshot("11a-phone-waiting-elsewhere");

        phone.find("#back").click();
        phone.awaitTrue("back to the room list", () -> phone.isShown(".sidebar"));

        // A list keeps its order while a mouse points at it; a touch screen's last tap counts as pointing until the
        // next one, and a phone's list fills the screen: newer conversations stayed below older ones there.
        String finnName = name("Finn");
        writeTo(chat, danaId, finnName, "newer than Erin's");
        phone.awaitTrue("Finn's conversation listed", () -> phone.roomPreview(finnName).contains("newer than Erin's"));
        assertEquals(List.of(finnName, erinName), phone.js(
                "return [...document.querySelectorAll('#direct-rooms .room__name')].map(n => n.textContent);"),
                "the newest conversation first on a phone");

        // A channel's header holds two buttons more: they once squeezed its name to "# …" (a long one may end in "…",
        // but not in less than 150 px) and the subtitle under the buttons.
        String channel = "Plans of " + dana + " for the quarterly review of all we do";
        phone.find("#new-channel").click();
        phone.awaitTrue("the create dialog", () -> phone.isShown("#create-dialog"));
        phone.find("#create-name").sendKeys(channel);
        phone.find("#create-submit").click();
        phone.awaitTrue("the new channel open", () -> ("# " + channel).equals(phone.roomTitle()) && phone.isShown("#channel-members"));
        assertEquals(List.of(), phone.js("""
                const shown = ['back', 'room-avatar', 'room-title', 'room-subtitle', 'channel-members', 'channel-leave', 'room-hide', 'mute']
                    .map(id => document.getElementById(id)).filter(e => e.getClientRects().length > 0);
                const problems = [];
                for (const e of shown) {
                    const r = e.getBoundingClientRect();
                    if (r.left < 0 || r.right > window.innerWidth) problems.push(e.id + ' off screen');
                    if (e.id === 'room-title' ? r.width < 150 : e.scrollWidth > e.clientWidth + 1) problems.push(e.id + ' clipped');
                    for (const other of shown) {
                        const o = other.getBoundingClientRect();
                        if (other !== e && !other.contains(e) && !e.contains(other)
                                && r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom) problems.push(e.id + ' overlaps ' + other.id);
                    }
                }
                return problems;"""), "the channel's header on a phone");
        assertFitsWidth(phone);
        phone.screenshot("11b-phone-channel-header");

        phone.find("#channel-members").click();
        phone.awaitTrue("the member list", () -> phone.isShown("#members-dialog") && phone.isShown("#invite-form"));
        phone.find("#invite-name").sendKeys(longName, Keys.ENTER);
        phone.awaitTrue("the long name a member", () -> phone.find("#members-list").getText().contains(longName.substring(0, 12)));
        assertEquals(List.of(), phone.js("""
                const dialog = document.getElementById('members-dialog').getBoundingClientRect();
                return [...document.querySelectorAll('#members-dialog *')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && (r.left < dialog.left - 0.5 || r.right > dialog.right + 0.5);
                }).map(e => e.id || e.className);"""), "nothing runs out of the member list on a phone");
        // Whom Remove would take out must be readable: "Aaron_…" could be any Aaron_.
        assertEquals(List.of(), phone.js("""
                return [...document.querySelectorAll('#members-list .members__name')]
                    .filter(n => n.scrollWidth > n.clientWidth + 1 || n.scrollHeight > n.clientHeight + 1).map(n => n.textContent);"""),
                "every member's name shown whole on a phone");
        phone.screenshot("11d-phone-members");
        phone.find("#members-close").click();

        // A channel's long name and a preview without a space in the room list
        String unbroken = "x".repeat(300);
        phone.send(unbroken);
        phone.awaitMessage(unbroken);
        phone.find("#back").click();
        phone.awaitTrue("the channel's preview in the room list", () -> phone.roomPreview("# " + channel).contains("xxxx"));
        assertEquals(375L, phone.js("return window.innerWidth"), "not zoomed out");
        assertFitsWidth(phone);
        phone.screenshot("11c-phone-long-names");
        // A name the sidebar ends in "…" is whole on hover, as in the room's aria-label.
        assertEquals(List.of(), phone.js("""
                return [...document.querySelectorAll('.room__name, .person__name')]
                    .filter(n => n.title !== n.textContent).map(n => n.textContent);"""), "every name in the sidebar whole in its title");
        assertNoConsoleErrors(phone);
    }

    @Test
    void afterTheConnectionDropsTheMissedMessagesAppearExactlyOnce(ChatCluster chat) {
        PrivateRoom pair = PrivateRoom.of(chat);
        String inGeneral = "Missed in General by " + pair.alice();

        try (DroppingProxy proxy = new DroppingProxy(chat.nodeA().port());
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), pair.bobHttp())) {
            ChatPage a = browser(proxy.baseUrl()).login(pair.alice(), PASSWORD);
            bobSocket.sendMessage(pair.room(), "before the drop");
            a.openRoom(pair.bob());
            a.awaitMessage("before the drop");
            assertNoConsoleErrors(a);

            proxy.cut(); // the TCP connections end without a WebSocket close
            a.awaitTrue("the connection banner", () -> a.isShown("#banner"));
            assertEquals("down", a.find("#chat").getDomAttribute("data-connection"));
            a.screenshot("12-connection-lost");

            for (String text : List.of("missed 1", "missed 2", "missed 3")) {
                bobSocket.sendMessage(pair.room(), text);
            }
            bobSocket.sendMessage("0", inGeneral);
            bobSocket.awaitMessage(inGeneral); // stored before it is announced

            proxy.restore();
            a.awaitConnected();
            List<String> expected = List.of("before the drop", "missed 1", "missed 2", "missed 3");
            a.awaitMessages("the missed messages, in order", expected::equals);

            bobSocket.sendMessage(pair.room(), "after the reconnect");
            a.awaitMessages("live again", texts -> texts.size() == 5 && texts.get(4).equals("after the reconnect"));
            assertEquals(List.of("before the drop", "missed 1", "missed 2", "missed 3", "after the reconnect"), a.messageTexts());
            List<String> ids = a.messageIds();
            assertEquals(ids.size(), new HashSet<>(ids).size(), "no message twice: " + ids);
            a.awaitTrue("General counts what was missed there", () -> !a.unreadBadge("General").isEmpty());
            a.screenshot("13-reconnected-caught-up");

            a.openRoom("General");
            a.awaitMessage(inGeneral);
            assertEquals(1, a.messageTexts().stream().filter(inGeneral::equals).count());

            // While cut, the browser reported its failed connection attempts; nothing else may be an error.
            List<String> unexpected = a.newConsoleErrors().stream()
                    .filter(e -> !(e.contains(proxy.baseUrl().replace("http://", "")) && (e.contains("net::ERR_") || e.contains("WebSocket connection"))))
                    .toList();
            assertEquals(List.of(), unexpected, "console errors other than the cut connection's");
        }
    }

    @Test
    void missedMessagesBeyondTheNodesCatchUpLimitAllAppear(ChatCluster chat) {
        PrivateRoom pair = PrivateRoom.of(chat);
        List<String> missed = IntStream.rangeClosed(1, 25).mapToObj(i -> "missed " + i).toList();

        // A node whose catch-up answers hold at most 10 messages (the smallest CHAT_CATCH_UP_LIMIT): 25 take three.
        // The page took 500 for that limit before, so it stopped after the first 10.
        try (PayaraNode small = PayaraNode.start("small-catch-up", chat.redis().url(), Map.of("CHAT_CATCH_UP_LIMIT", "10"));
             DroppingProxy proxy = new DroppingProxy(small.port());
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), pair.bobHttp())) {
            ChatPage a = browser(proxy.baseUrl()).login(pair.alice(), PASSWORD);
            bobSocket.sendMessage(pair.room(), "before the drop");
            a.openRoom(pair.bob());
            a.awaitMessage("before the drop");

            proxy.cut();
            a.awaitTrue("the connection banner", () -> a.isShown("#banner"));
            missed.forEach(text -> bobSocket.sendMessage(pair.room(), text));
            bobSocket.awaitMessage("missed 25"); // all stored

            proxy.restore();
            a.awaitConnected();
            List<String> expected = new ArrayList<>(List.of("before the drop"));
            expected.addAll(missed);
            a.awaitMessages("all 25 missed messages, in order", expected::equals);
        }
    }

    @Test
    void whenItsNodeDiesThePageFailsOverToAnotherNodeAndCatchesUp(ChatCluster chat) {
        String alice = name("Alice");
        String bob = name("Bob");
        ChatHttp bobHttp = new ChatHttp(chat.nodeB());
        bobHttp.loggedIn(bob, PASSWORD);
        String inGeneral = "Sent while " + alice + "'s node was dead";

        try (PayaraNode doomed = PayaraNode.start("node-doomed", chat.redis().url());
             DroppingProxy balancer = new DroppingProxy(doomed.port());
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bobHttp)) {
            ChatPage a = browser(balancer.baseUrl()).login(alice, PASSWORD);
            String before = "Before the crash, " + alice;
            bobSocket.sendMessage("0", before);
            a.awaitMessage(before);

            doomed.kill(); // SIGKILL: no close frames, no goodbye in Redis
            a.awaitTrue("the connection banner", () -> a.isShown("#banner"));
            bobSocket.sendMessage("0", inGeneral);
            bobSocket.awaitMessage(inGeneral);

            balancer.retarget(chat.nodeA().port()); // the load balancer sends the page to a live node
            a.awaitConnected();
            a.awaitMessage(inGeneral);
            String after = "After the fail-over, " + alice;
            bobSocket.sendMessage("0", after);
            a.awaitMessage(after);
            List<String> texts = a.messageTexts();
            for (String text : List.of(before, inGeneral, after)) {
                assertEquals(1, texts.stream().filter(text::equals).count(), text + " shown once");
            }
            assertTrue(texts.indexOf(before) < texts.indexOf(inGeneral) && texts.indexOf(inGeneral) < texts.indexOf(after));
            a.send("I am back");
            bobSocket.awaitMessage("I am back"); // the session (in Redis) works on the other node
            a.screenshot("17-failed-over-to-another-node");
        }
    }

    @Test
    void historyPagesComposerKeysAndServerErrors(ChatCluster chat) {
        PrivateRoom pair = PrivateRoom.of(chat);
        List<String> history = IntStream.rangeClosed(1, 40).mapToObj(i -> String.format("history %02d", i)).toList();

        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), pair.bobHttp())) {
            history.forEach(text -> bobSocket.sendMessage(pair.room(), text));
            bobSocket.awaitMessage("history 40");

            ChatPage a = browser(chat.nodeA().baseUrl()).login(pair.alice(), PASSWORD);
            a.openRoom(pair.bob());
            a.awaitMessages("the newest page", history.subList(25, 40)::equals);
            assertTrue(a.isShown("#load-older"));
            a.find("#load-older").click();
            a.awaitMessages("two pages", history.subList(10, 40)::equals);
            a.find("#load-older").click();
            a.awaitMessages("the whole history", history::equals);
            a.awaitTrue("the start of the conversation", () -> a.isShown("#history-start") && !a.isShown("#load-older"));

            // Reading old messages: a new one does not pull the view down, it offers a jump.
            a.js("document.getElementById('scroller').scrollTop = 0");
            bobSocket.sendMessage(pair.room(), "while you were reading");
            a.awaitMessage("while you were reading");
            a.awaitTrue("the jump button", () -> a.isShown("#jump"));
            assertEquals(0L, ((Number) a.js("return Math.round(document.getElementById('scroller').scrollTop)")).longValue());
            a.screenshot("14-history-new-message-below");
            a.find("#jump").click();
            a.awaitTrue("at the bottom", () -> atBottom(a));
            bobSocket.sendMessage(pair.room(), "at the bottom");
            a.awaitMessage("at the bottom");
            a.awaitTrue("still at the bottom", () -> atBottom(a));

            // Enter sends, Shift+Enter is a new line, empty text is refused.
            int before = a.messageTexts().size();
            a.find("#composer-text").sendKeys(Keys.ENTER);
            a.awaitTrue("empty text refused", () -> a.isShown("#composer-error"));
            assertEquals(before, a.messageTexts().size());
            a.find("#composer-text").sendKeys("line one", Keys.chord(Keys.SHIFT, Keys.ENTER), "line two", Keys.ENTER);
            a.awaitMessage("line one\nline two");
            bobSocket.awaitMessage("line one\nline two");

            // Pasted with a long tail of blanks it went out as typed: a frame past 64 KiB closed the socket,
            // and the outbox sent it again after every reconnection. What is trimmed away is not sent.
            a.js("document.getElementById('composer-text').value = arguments[0];", "padded" + " ".repeat(70_000));
            a.find("#send").click();
            a.awaitMessage("padded");
            bobSocket.awaitMessage("padded");

            // The server's error frame is shown, and the refused text is given back.
            String tooLong = "x".repeat(5001);
            a.js("const t = document.getElementById('composer-text'); t.value = arguments[0];", tooLong);
            a.find("#send").click();
            a.awaitTrue("the server's error", () -> a.isShown("#composer-error")
                    && a.find("#composer-error").getText().contains("at most 5000"));
            assertEquals(tooLong, a.find("#composer-text").getDomProperty("value"));
            a.screenshot("15-server-error-frame");
            assertNotEquals(tooLong, a.messageTexts().get(a.messageTexts().size() - 1));
            assertNoConsoleErrors(a);
        }
    }

    private static boolean atBottom(ChatPage page) {
        return (Boolean) page.js("const s = document.getElementById('scroller');"
                + "return s.scrollHeight - s.scrollTop - s.clientHeight <= 48;");
    }

    private ChatPage browser(String baseUrl) {
        return browser(baseUrl, 1440, 900);
    }

    private ChatPage browser(String baseUrl, int width, int height) {
        ChatPage page = ChatPage.open(baseUrl, width, height);
        pages.add(page);
        return page;
    }

    /** Alice (signed up on node A) and Bob (signed in on node B) with a private room between them. */
    private record PrivateRoom(String alice, String bob, ChatHttp bobHttp, String room) {

        static PrivateRoom of(ChatCluster chat) {
            String alice = name("Alice");
            String bob = name("Bob");
            String aliceId = new ChatHttp(chat.nodeA()).loggedIn(alice, PASSWORD).getString("id");
            ChatHttp bobHttp = new ChatHttp(chat.nodeB());
            String bobId = bobHttp.loggedIn(bob, PASSWORD).getString("id");
            String room = bobHttp.post("/api/room", Json.createObjectBuilder().add("user1", bobId).add("user2", aliceId)
                    .build().toString()).object().getString("id");
            return new PrivateRoom(alice, bob, bobHttp, room);
        }
    }

    private static void assertFitsWidth(ChatPage page) {
        assertTrue((Boolean) page.js("return document.documentElement.scrollWidth <= window.innerWidth"
                + " && document.body.scrollWidth <= window.innerWidth"), "nothing sticks out sideways");
    }

    /** Beside the header's buttons the name once had no width at all: "Alice123456" showed as "Al…" under the bell. */
    private static void assertOwnNameShownWhole(ChatPage page) {
        Map<?, ?> name = (Map<?, ?>) page.js("const n = document.getElementById('me-name'), r = n.getBoundingClientRect();"
                + "const overlaps = ['notify', 'account-toggle', 'logout'].filter(id => {"
                + "  const b = document.getElementById(id).getBoundingClientRect();"
                + "  return r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom; });"
                + "return {clipped: n.scrollWidth > n.clientWidth, overlaps: overlaps.join(',')};");
        assertEquals(Map.of("clipped", false, "overlaps", ""), name, "the signed-in name is shown whole, clear of the buttons");
    }

    private static void assertNoConsoleErrors(ChatPage... pages) {
        for (ChatPage page : pages) {
            assertEquals(List.of(), page.newConsoleErrors(), "console errors on " + page.baseUrl());
        }
    }

    private static String name(String prefix) {
        return prefix + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }
}
