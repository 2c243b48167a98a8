package chat.browser;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;

/**
 * Debian's Chromium driven through Debian's chromedriver: both paths are given, so Selenium
 * Manager never downloads anything. A missing browser fails the test (CI installs it with
 * {@code .ci/run}); it is never a reason to skip.
 */
final class Chromium {

    static final Path BROWSER = Path.of(System.getProperty("chat.test.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chat.test.chromedriver", "/usr/bin/chromedriver"));

    static ChromeDriver start(int width, int height) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("Chromium and chromedriver are needed at " + BROWSER + " and " + DRIVER
                    + " (apt-get install chromium chromium-driver; .ci/run does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-features=Translate,MediaRouter", "--password-store=basic",
                "--window-size=" + width + "," + height, "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // The CSS viewport exactly (a phone when narrow): the window size alone includes no guarantees.
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        if (width < 600) {
            driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        }
        return driver;
    }

    private Chromium() {
    }
}
