package dev.loopgate.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium per test class, driving the console of a {@link GatewayHarness}. It uses
 * the system's {@code chromium} and {@code chromedriver} (Debian packages; {@code .ci/run}
 * installs them) and never Selenium Manager, so nothing is downloaded. Missing browsers fail the
 * class loudly: a console nobody drove is not a console that works. After each test the page's
 * console must hold no Content-Security-Policy violation and no uncaught error.
 */
public final class ConsoleBrowser implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    public static final Path CHROMIUM = Path.of(System.getProperty("loopgate.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("loopgate.chromedriver", "/usr/bin/chromedriver"));
    static final Path OUTPUT = Path.of(System.getProperty("basedir", "."), "target");
    public static final Path SCREENSHOTS = OUTPUT.resolve("console-screenshots");

    private final GatewayHarness gateway;
    private ChromeDriver driver;
    private WebDriverWait wait;
    private Path downloads;

    private ConsoleBrowser(GatewayHarness gateway) {
        this.gateway = gateway;
    }

    /** Register after the gateway's extension, so the gateway is up before the browser opens it. */
    public static ConsoleBrowser perClass(GatewayHarness gateway) {
        return new ConsoleBrowser(gateway);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        requireBrowsers(CHROMIUM, CHROMEDRIVER);
        downloads = Files.createDirectories(OUTPUT.resolve("console-downloads").resolve(context.getRequiredTestClass().getSimpleName()));
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--window-size=1280,900", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--password-store=basic",
                "--lang=en-US");
        if ("root".equals(System.getProperty("user.name"))) {
            options.addArguments("--no-sandbox");  // Chromium refuses to sandbox as root
        }
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false,
                "download.directory_upgrade", true));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Poll.WAIT, Duration.ofMillis(25));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver == null) {
            return;
        }
        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .toList();
        assertEquals(List.of(), problems, "the browser reported CSP violations or uncaught errors");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Loads the console afresh at a route like {@code #/loops}; the tab's session (sessionStorage) stays. */
    public void open(String route) {
        driver.get("about:blank");
        driver.get(gateway.baseUrl() + "/console/" + route);
    }

    /** Signs in with {@code key} from a fresh tab state and waits for the first page. */
    public void signIn(String key) {
        signOut();
        type(By.id("api-key"), key);
        driver.findElement(By.cssSelector("form.signin button[type=submit]")).click();
        waitForPage("spend");
    }

    /** Forgets the key and shows the sign-in form. */
    public void signOut() {
        open("#/spend");
        js("sessionStorage.clear()");
        open("#/spend");
        waitForPage("signin");
    }

    /** Waits until the named page has finished loading its data. */
    public void waitForPage(String name) {
        wait.withMessage(() -> "page " + name + " to load; main is " + js("return document.getElementById('main').outerHTML.slice(0, 600)"))
                .until(d -> js("const m = document.getElementById('main');"
                        + " return m.dataset.page === arguments[0] && m.getAttribute('aria-busy') === 'false'", name));
    }

    public WebElement waitFor(By by) {
        return wait.withMessage(() -> "element " + by).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public void waitForText(By by, String text) {
        wait.withMessage(() -> "'" + text + "' in " + by).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    public void type(By by, String text) {
        WebElement input = waitFor(by);
        input.clear();
        input.sendKeys(text);
    }

    public void click(By by) {
        wait.withMessage(() -> "clickable " + by).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs an async script: its last argument is the callback to call with the result. */
    public Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    public <T> T until(String what, Function<ChromeDriver, T> condition) {
        return wait.withMessage(() -> what).until(d -> condition.apply(driver));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Path downloads() {
        return downloads;
    }

    /** Saves what the browser shows as {@code target/console-screenshots/<name>.png}. */
    public Path screenshot(String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * As {@link #screenshot}, of the whole page: the window grows to the page's height (up to
     * 3,000 pixels) for the shot. Charts redraw on resize, so use it on pages without one.
     */
    public Path screenshotWholePage(String name) {
        Dimension window = driver.manage().window().getSize();
        long page = ((Number) js("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(page + 100, 3000)));
        try {
            return screenshot(name);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    /** Fails, saying how to fix it, when Chromium or its driver is missing: these tests never skip. */
    static void requireBrowsers(Path chromium, Path chromedriver) {
        requireExecutable(chromium, "chromium");
        requireExecutable(chromedriver, "chromedriver");
    }

    private static void requireExecutable(Path path, String what) {
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("The console's browser tests need " + what + " at " + path
                    + ", and it is not there. Install Chromium and its driver (Debian: apt-get install -y chromium"
                    + " chromium-driver; .ci/run does this), or point -Dloopgate.chromium / -Dloopgate.chromedriver"
                    + " at them. These tests do not skip.");
        }
    }
}
