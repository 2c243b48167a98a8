package chat.browser;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The browser client's store ({@code js/store.js}) in the Chromium the browser tests use, without
 * a chat server: the client's own files are served as they are in the WAR, a blank page imports
 * the module, and each test runs a few lines against it. It proves what the README promises of the
 * store: messages sorted and de-duplicated by id, so history pages, catch-up and live events may
 * overlap and arrive in any order; later states (edits, deletions) replace earlier ones; a new
 * epoch forgets what was held; the outbox empties when the server's copy arrives.
 */
class StoreScriptIT {

    private static final Path WEBAPP = Path.of("src/main/webapp");
    /** Ids as the server gives them, "<date>-<sequence>": the sequence orders them, not the text. */
    private static final String SETUP = """
            const done = arguments[arguments.length - 1];
            const message = (seq, text, extra = {}) => ({ id: `1796000000-${seq}`, from: '2', date: 1796000000 + seq,
                message: text || `m${seq}`, roomId: '0', ...extra });
            const ids = (room) => room.messages.map((m) => Number(m.id.split('-')[1]));
            import('/js/store.js').then(({ Store, normalizeMessage }) => {
                const store = new Store();
                store.setMe({ id: '1', username: 'ann' });
                store.addRoom('0', ['General']);
                const room = store.room('0');
                const add = (...raw) => store.addMessages('0', raw.map(normalizeMessage)).map((m) => Number(m.id.split('-')[1]));
            """;
    private static final String TEARDOWN = """
            }).catch((e) => done('failed: ' + e));
            """;

    private static HttpServer files;
    private static ChromeDriver browser;

    @BeforeAll
    static void serveTheClientAndOpenABlankPage() throws IOException {
        files = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        files.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = WEBAPP.resolve(path.substring(1)).normalize();
            byte[] body;
            String type;
            if (path.equals("/blank")) {
                body = "<!doctype html><title>store</title>".getBytes(StandardCharsets.UTF_8);
                type = "text/html";
            } else if (path.startsWith("/js/") && file.startsWith(WEBAPP) && Files.isRegularFile(file)) {
                body = Files.readAllBytes(file);
                type = "text/javascript"; // a module script needs a JavaScript type
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        files.start();
        browser = Chromium.start(800, 600);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
        if (files != null) {
            files.stop(0);
        }
    }

    @BeforeEach
    void freshPage() {
        browser.get("http://127.0.0.1:" + files.getAddress().getPort() + "/blank");
    }

    /** Runs the lines with {@code store}, {@code room}, {@code add(...raw)}, {@code message(seq)} and {@code ids(room)} at hand. */
    private static Object run(String lines) {
        return browser.executeAsyncScript(SETUP + lines + TEARDOWN);
    }

    @Test
    void overlappingPagesAndCatchUpAddEachMessageOnce() {
        Object result = run("""
                const newest = add(message(4), message(5), message(6));
                const older = add(message(1), message(2), message(3), message(4));
                const catchUp = add(message(6), message(7), message(8));
                const again = add(message(7), message(8));
                done({ newest, older, catchUp, again, held: ids(room), lastSeen: room.lastSeenId });
                """);

        assertEquals(Map.of("newest", List.of(4L, 5L, 6L), "older", List.of(1L, 2L, 3L), "catchUp", List.of(7L, 8L),
                "again", List.of(), "held", List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), "lastSeen", "1796000000-8"), result);
    }

    @Test
    void messagesAreOrderedByTheSequenceOfTheirIdWhateverTheOrderTheyArriveIn() {
        Object result = run("""
                add(message(10));                 // a live event before the catch-up that precedes it
                add(message(9), message(2));
                add(message(100), message(11));
                done(ids(room));
                """);

        assertEquals(List.of(2L, 9L, 10L, 11L, 100L), result, "by number: 100 after 11, though \"100\" < \"11\" as text");
    }

    @Test
    void roomsWrittenInTheSameSecondAreListedNewestFirst() {
        Object result = run("""
                store.addRoom('1:3', ['ann', 'zoe']);
                store.addRoom('1:4', ['ann', 'bob']);
                store.addRoom('1:5', ['ann', 'cat']);
                const second = 1796000000;
                store.addMessages('1:3', [normalizeMessage({ id: `${second}-8`, from: '3', date: second, message: 'a', roomId: '1:3' })]);
                store.addMessages('1:4', [normalizeMessage({ id: `${second}-7`, from: '4', date: second, message: 'b', roomId: '1:4' })]);
                done(store.sortedRooms().map((r) => r.id));
                """);

        assertEquals(List.of("0", "1:3", "1:4", "1:5"), result,
                "General first, then by the order the messages were stored (zoe's last), not by name; a room without any last");
    }

    @Test
    void aLaterStateOfAKnownMessageReplacesItAndAnEarlierOneDoesNot() {
        Object result = run("""
                add(message(1, 'first'));
                const edited = add(message(1, 'first, edited', { edited: 1796000100 }));
                add(message(1, 'first'));         // a catch-up page older than the edit
                const afterEdit = room.messages[0].message;
                add(message(1, '', { deleted: true }));
                add(message(1, 'first, edited', { edited: 1796000100 }));
                const afterDelete = room.messages[0].deleted;
                add(message(2, 'second'));
                add(message(2, 'second, edited', { edited: 1796000100.25 }));
                add(message(2, 'second, edited again', { edited: 1796000100.251 })); // in the same second
                add(message(2, 'second, edited', { edited: 1796000100.25 }));       // the first edit's event, late
                done({ edited, afterEdit, deleted: afterDelete, held: ids(room), second: room.messages[1].message });
                """);

        assertEquals(Map.of("edited", List.of(), "afterEdit", "first, edited", "deleted", true, "held", List.of(1L, 2L),
                "second", "second, edited again"), result);
    }

    @Test
    void aListOfWhoIsOnlineAskedForBeforeAPresenceEventDoesNotUndoIt() {
        Object result = run("""
                store.upsertUsers([{ id: '2', username: 'bob', online: true }, { id: '3', username: 'cat', online: true },
                    { id: '4', username: 'dan', online: false }], { replaceOnline: true });
                const askedAt = store.presenceClock;          // the page asks who is online ...
                store.presenceChanged('3', 'cat', false);     // ... cat's node stops, her socket closes ...
                store.presenceChanged('4', 'dan', true);      // ... dan's socket opens on another node
                store.upsertUsers([{ id: '2', username: 'bob', online: true }, { id: '3', username: 'cat', online: true }],
                    { replaceOnline: true, askedAt });         // the answer, made before both
                const first = ['2', '3', '4'].map((id) => store.users.get(id).online);
                store.upsertUsers([{ id: '3', username: 'cat', online: true }], { replaceOnline: true, askedAt: store.presenceClock });
                done({ first, later: ['2', '3', '4'].map((id) => store.users.get(id).online) });
                """);

        assertEquals(Map.of("first", List.of(true, false, true), "later", List.of(false, true, false)), result);
    }

    @Test
    void editsAndDeletionsOfLoadedMessagesChangeTheServersUnreadAndMentionCounts() {
        Object result = run("""
                add(message(1, 'read already'));
                store.setReadStates({ '0': { lastRead: '1796000000-1', unread: 5, mentions: 0, muted: false } });
                add(message(2, 'two'), message(3, 'three'), message(4, 'mine', { from: '1' }));
                const counts = () => [room.unread, room.mentions];
                const loaded = counts();          // five on the server, two of them loaded here
                add(message(2, '', { deleted: true }));
                const deleted = counts();
                room.loaded = true;
                store.placeDivider(room);
                const divider = room.dividerBefore; // above the first unread, not above the deleted one
                add(message(3, 'three, @ann', { edited: 1796000100 }));
                const mentioned = counts();
                add(message(3, 'three, never mind', { edited: 1796000101 }));
                const unmentioned = counts();
                add(message(1, '', { deleted: true }), message(4, '', { deleted: true, from: '1' }));
                const readOrMine = counts();
                done({ loaded, deleted, mentioned, unmentioned, readOrMine, divider });
                """);

        assertEquals(Map.of("loaded", List.of(5L, 0L), "deleted", List.of(4L, 0L), "mentioned", List.of(4L, 1L),
                "unmentioned", List.of(4L, 0L), "readOrMine", List.of(4L, 0L), "divider", "id:1796000000-3"), result);
    }

    @Test
    void aNewEpochForgetsTheMessagesAndTheRoomLoadsAgain() {
        Object result = run("""
                add(message(1), message(2));
                room.loaded = true;
                store.forgetMessages();
                const forgotten = { held: ids(room), loaded: room.loaded, noCatchUp: room.lastSeenId === null };
                const reloaded = add(message(1), message(2));  // the new epoch may number from 1 again
                done({ ...forgotten, reloaded });
                """);

        assertEquals(Map.of("held", List.of(), "loaded", false, "noCatchUp", true, "reloaded", List.of(1L, 2L)), result,
                "nothing held, catch-up has nowhere to start from: the room loads afresh");
    }

    @Test
    void myMessageLeavesTheOutboxWhenTheServersCopyArrivesWithItsClientId() {
        Object result = run("""
                const entry = store.queue('0', 'hello');
                const queued = store.pendingIn('0').length;
                add(message(1, 'hello', { from: '1', clientMessageId: entry.clientId }));
                done({ queued, left: store.pendingIn('0').length });
                """);

        assertEquals(Map.of("queued", 1L, "left", 0L), result);
    }
}
