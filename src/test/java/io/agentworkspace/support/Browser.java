package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through Selenium, with a
 * profile of its own outside target/ (its cookie store holds session tokens, which the leak scan must not meet in
 * target/), removed on close. The browser's console is collected, so tests can assert that no page logged an error.
 */
public final class Browser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private final ChromeDriver driver;
    private final Path profile;
    private final String baseUrl;
    private final List<String> consoleErrors = new ArrayList<>();

    private Browser(ChromeDriver driver, Path profile, String baseUrl) {
        this.driver = driver;
        this.profile = profile;
        this.baseUrl = baseUrl;
    }

    public static Browser start(String baseUrl) throws IOException {
        Path profile = Files.createTempDirectory(Path.of(System.getProperty("agent.browser.profiles", "/tmp")), "aw-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("agent.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--disable-features=Translate,MediaRouter,OptimizationHints", "--password-store=basic",
                "--window-size=1366,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("agent.chromedriver", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile, baseUrl);
    }

    public WebDriver driver() {
        return driver;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public void open(String path) {
        driver.get(baseUrl + path);
    }

    public WebElement await(By by, Duration within) {
        return new WebDriverWait(driver, within, Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    public WebElement await(By by) {
        return await(by, Duration.ofSeconds(20));
    }

    public <T> T until(Function<WebDriver, T> condition, Duration within) {
        return new WebDriverWait(driver, within, Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    public boolean has(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The session cookie's value, for requests a test forces past the page (never printed). */
    public String cookie(String name) {
        var cookie = driver.manage().getCookieNamed(name);
        return cookie == null ? null : cookie.getValue();
    }

    /** Writes target/ui-screenshots/{name}.png (the whole window) and returns it. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] screenshotOf(WebElement element) {
        return element.getScreenshotAs(OutputType.BYTES);
    }

    /** Every console entry of level SEVERE (JavaScript errors, failed loads) since the last call, kept for the record. */
    public List<String> consoleErrors(Predicate<String> ignoring) {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !ignoring.test(entry.getMessage())) {
                errors.add(entry.getMessage());
            }
        }
        consoleErrors.addAll(errors);
        return errors;
    }

    public List<String> consoleErrors() {
        return consoleErrors(message -> false);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile outside the build
            }
        }
    }
}
