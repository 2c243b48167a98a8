package chat.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chat page in one real browser, in the words a user would use. */
final class ChatPage implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOW_CONTRAST = resource("low-contrast.js");

    private final ChromeDriver driver;
    private final String baseUrl;
    private final List<LogEntry> consoleLog = new ArrayList<>();

    private ChatPage(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    static ChatPage open(String baseUrl) {
        return open(baseUrl, 1440, 900);
    }

    static ChatPage open(String baseUrl, int width, int height) {
        ChatPage page = new ChatPage(Chromium.start(width, height), baseUrl);
        page.driver.get(baseUrl + "/");
        return page;
    }

    ChromeDriver driver() {
        return driver;
    }

    // ---- waiting and looking

    /** Waits with a deadline; the page redraws lists as events arrive, so stale elements are retried. */
    <T> T await(String what, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(what)
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        await(what, d -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean isShown(String css) {
        List<WebElement> found = findAll(css);
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    // ---- login

    WebElement awaitLoginForm() {
        awaitTrue("the login form", () -> isShown("#login-form"));
        return find("#login-form");
    }

    void submitLogin(String username, String password) {
        awaitLoginForm();
        WebElement name = find("#login-username");
        name.clear();
        name.sendKeys(username);
        WebElement pass = find("#login-password");
        pass.clear();
        pass.sendKeys(password, Keys.ENTER);
    }

    /** Signs in; a name nobody has yet is created when the page asks (as a user would confirm). */
    ChatPage login(String username, String password) {
        submitLogin(username, password);
        await("the chat, or the offer to create the account", d -> isShown("#chat") || isShown("#login-confirm") ? Boolean.TRUE : null);
        if (isShown("#login-confirm")) {
            find("#login-confirm-create").click();
        }
        awaitChatAs(username);
        return this;
    }

    /** "Create account", then the form. */
    ChatPage register(String username, String password) {
        awaitLoginForm();
        find("#mode-register").click();
        submitLogin(username, password);
        awaitChatAs(username);
        return this;
    }

    void awaitChatAs(String username) {
        awaitTrue("the chat as " + username, () -> isShown("#chat") && username.equals(find("#me-name").getText()));
        awaitConnected();
    }

    void awaitConnected() {
        awaitTrue("a live connection (no banner)", () -> "open".equals(find("#chat").getDomAttribute("data-connection"))
                && !isShown("#banner"));
    }

    String loginError() {
        return await("a login error", d -> {
            String text = find("#login-error").getText();
            return text.isBlank() ? null : text;
        });
    }

    void logout() {
        find("#logout").click();
        awaitLoginForm();
    }

    void reload() {
        driver.navigate().refresh();
    }

    // ---- rooms and people

    String roomTitle() {
        return find("#room-title").getText();
    }

    private static final String ROOM = """
            const b = [...document.querySelectorAll('#rooms .room, #direct-rooms .room')]
                .find(b => b.querySelector('.room__name').textContent === arguments[0]);
            """;

    /** What the sidebar shows for a room: name, preview, badge ("" without), active, muted; null when absent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> room(String title) {
        return (Map<String, Object>) js(ROOM + """
                const badge = b && b.querySelector('.badge:not(.badge--mention)');
                const mentions = b && b.querySelector('.badge--mention');
                return b ? {name: b.querySelector('.room__name').textContent,
                            preview: b.querySelector('.room__preview').textContent,
                            badge: badge ? badge.textContent : '',
                            mentions: mentions ? mentions.textContent : '',
                            active: b.classList.contains('room--active'),
                            muted: b.classList.contains('room--muted')} : null;
                """, title);
    }

    Map<String, Object> awaitRoom(String title) {
        return await("room '" + title + "' in the sidebar", d -> room(title));
    }

    void openRoom(String title) {
        awaitRoom(title);
        await("a click on room '" + title + "'", d -> {
            WebElement button = findAll("#rooms .room, #direct-rooms .room").stream()
                    .filter(b -> title.equals(b.findElement(By.cssSelector(".room__name")).getText())).findFirst().orElse(null);
            if (button != null) {
                button.click();
            }
            return button != null;
        });
        awaitTrue("room '" + title + "' open", () -> title.equals(roomTitle()) && isShown("#composer-text"));
    }

    /** Opens a room without the mouse: focus its button, press Enter. */
    void openRoomWithKeyboard(String title) {
        awaitRoom(title);
        await("focus on room '" + title + "'", d -> js(ROOM + "if (b) { b.focus(); } return b ? true : null;", title));
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        awaitTrue("room '" + title + "' open", () -> title.equals(roomTitle()) && isShown("#composer-text"));
    }

    /** Presses Tab and tells which element got focus and whether it shows a focus ring. */
    @SuppressWarnings("unchecked")
    Map<String, Object> tab() {
        driver.switchTo().activeElement().sendKeys(Keys.TAB);
        return (Map<String, Object>) js("""
                const e = document.activeElement, s = getComputedStyle(e);
                return {id: e.id, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
                """);
    }

    String unreadBadge(String title) {
        return (String) awaitRoom(title).get("badge");
    }

    /** The room's mention badge ("@1"), "" without. */
    String mentionBadge(String title) {
        return (String) awaitRoom(title).get("mentions");
    }

    String roomPreview(String title) {
        return (String) awaitRoom(title).get("preview");
    }

    private static final String PERSON = """
            const p = [...document.querySelectorAll('#people .person')]
                .find(p => p.querySelector('.person__name').textContent === arguments[0]);
            """;

    /** Types the name into People's search box (the directory lists a page at a time). */
    void searchPeople(String prefix) {
        js("const s = document.getElementById('people-search'); s.value = arguments[0];"
                + "s.dispatchEvent(new Event('input'));", prefix);
    }

    /** Finds the person in People (searching by name when not listed) and clicks them. */
    void clickPerson(String username) {
        showPerson(username);
        await(username + " in People", d -> js(PERSON + "if (p) { p.click(); } return p ? true : null;", username));
    }

    private void showPerson(String username) {
        if (js(PERSON + "return p ? true : null;", username) == null) {
            searchPeople(username);
        }
    }

    boolean isOnline(String username) {
        showPerson(username);
        return "online".equals(await(username + " in People",
                d -> js(PERSON + "return p ? (p.classList.contains('person--online') ? 'online' : 'offline') : null;", username)));
    }

    void awaitPresence(String username, boolean online) {
        awaitTrue(username + " shown " + (online ? "online" : "offline"), () -> isOnline(username) == online);
    }

    // ---- messages

    void type(String text) {
        WebElement box = find("#composer-text");
        box.click();
        box.sendKeys(text);
    }

    /** Types and presses Enter, as a user does. */
    void send(String text) {
        type(text);
        find("#composer-text").sendKeys(Keys.ENTER);
    }

    String composerText() {
        return find("#composer-text").getDomProperty("value");
    }

    /** Empties the composer as a user does: select all, delete. */
    void clearComposer() {
        WebElement box = find("#composer-text");
        box.click();
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    }

    /** The texts of the open room, oldest first, exactly as displayed. */
    List<String> messageTexts() {
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) js(
                "return [...document.querySelectorAll('#messages .message:not(.message--pending) .message__text')].map(n => n.textContent)");
        return texts;
    }

    List<String> messageIds() {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) js(
                "return [...document.querySelectorAll('#messages .message:not(.message--pending)')].map(n => n.dataset.id)");
        return ids;
    }

    /**
     * Waits for a message with exactly this text in the open room and tells how it is shown:
     * own (boolean), sender ("" when grouped under the previous one), time, avatars (count).
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> awaitMessage(String text) {
        return await("message '" + text + "' shown", d -> (Map<String, Object>) js("""
                const m = [...document.querySelectorAll('#messages .message:not(.message--pending)')]
                    .find(m => m.querySelector('.message__text').textContent === arguments[0]);
                if (!m) { return null; }
                const sender = m.querySelector('.message__sender');
                return {own: m.classList.contains('message--own'), sender: sender ? sender.textContent : '',
                        time: m.querySelector('.message__time').textContent,
                        avatars: m.querySelectorAll('.message__avatar').length};
                """, text));
    }

    void awaitMessages(String what, Predicate<List<String>> condition) {
        awaitTrue(what, () -> condition.test(messageTexts()));
    }

    boolean alertIsOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException none) {
            return false;
        }
    }

    // ---- evidence

    /**
     * Fails the test when a text shown now is too faint to read against what is behind it (below WCAG AA contrast),
     * naming each with its ratio; the check is {@code low-contrast.js}, next to this class.
     */
    void assertReadable(String where) {
        assertEquals(List.of(), js(LOW_CONTRAST), "texts too faint to read: " + where);
    }

    /** Saves what the page shows under {@code name}, then checks that all of it is readable ({@link #assertReadable}). */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertReadable(name);
    }

    /** Console entries at SEVERE since the last call (the browser hands each entry out once). */
    List<String> newConsoleErrors() {
        List<String> severe = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            consoleLog.add(entry);
            // Signing in with a name nobody has is answered 404 (nothing is created): the page then offers to create it.
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !entry.getMessage().matches(".*/api/login - Failed to load resource: the server responded with a status of 404 .*")) {
                severe.add(entry.getMessage());
            }
        }
        return severe;
    }

    String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static String resource(String name) {
        try (var in = ChatPage.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
