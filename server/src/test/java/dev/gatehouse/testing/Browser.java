package dev.gatehouse.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for browser tests, driven by Selenium through the system's chromedriver
 * (Debian's {@code chromium} and {@code chromium-driver}; see docs/decisions/0007-browser-tests.md).
 * Nothing is downloaded: the binaries are {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver},
 * or the paths in the environment variables {@code CHROMIUM} and {@code CHROMEDRIVER}. When they
 * are missing the test fails, saying what to install: a skipped browser test would look green.
 *
 * <p>Each instance has a fresh profile in a temporary directory, deleted on {@link #close()}.
 * Screenshots go to {@code server/target/screenshots/<name>.png}, the browser tests' artifacts.
 * Not thread-safe: one test, one browser.
 */
public final class Browser implements AutoCloseable {
    /** How long {@link #waitForText} and friends wait for a page to get there; a failure bound, not a speed check. */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final int MIN_WINDOW_WIDTH = 500;

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(int width, int height) {
        this(width, height, null);
    }

    /** {@code languages}: Chromium's accept-languages preference (its Accept-Language), or null for its default. */
    private Browser(int width, int height, String languages) {
        File chromium = binary("CHROMIUM", "/usr/bin/chromium");
        File chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
        try {
            profile = Files.createTempDirectory("gatehouse-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile.toAbsolutePath());
        if (languages != null) {
            options.setExperimentalOption("prefs", Map.of("intl.accept_languages", languages));
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        if (width < MIN_WINDOW_WIDTH) {
            // Headless Chromium will not make a window narrower than about 500 pixels, so a phone's
            // viewport is emulated (also a touch screen and a mobile viewport meta, like a phone's).
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
        }
    }

    /** A phone-sized browser (390 x 844 CSS pixels), the default for pages people open from email. */
    public static Browser phone() {
        return new Browser(390, 844);
    }

    /** A phone-sized browser whose person reads {@code languages} (such as "de-DE,de"), in that order. */
    public static Browser phone(String languages) {
        return new Browser(390, 844, languages);
    }

    /** A desktop-sized browser (1280 x 900). */
    public static Browser desktop() {
        return new Browser(1280, 900);
    }

    /** A browser with a window of this size. */
    public static Browser ofSize(int width, int height) {
        return new Browser(width, height);
    }

    private static File binary(String variable, String fallback) {
        String configured = System.getenv(variable);
        File file = new File(configured != null && !configured.isBlank() ? configured : fallback);
        if (!file.canExecute()) {
            throw new AssertionError("browser tests need Chromium and its driver, but " + file + " is missing or not "
                    + "executable: install them (Debian/Ubuntu: apt-get install chromium chromium-driver; "
                    + "./gatehouse test does this itself when it may) or point " + variable + " at the binary");
        }
        return file;
    }

    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    public String title() {
        return driver.getTitle();
    }

    /**
     * The page's visible text, read in one script inside the page. Finding {@code <body>} and then
     * asking for its text takes two round trips, and a page replaced in between (a form just
     * submitted) fails the second one: as a StaleElementReferenceException, or from Chromium 156's
     * driver as a plain WebDriverException, "Node with given id does not belong to the document"
     * (seen in CI). One script has no in-between.
     */
    public String text() {
        Object text = driver.executeScript("return document.body ? document.body.innerText : '';");
        return text == null ? "" : text.toString();
    }

    /** The element matching a CSS selector, waiting for it to appear. */
    public WebElement find(String css) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    /**
     * The visible text of the first element matching a CSS selector, waiting for one to appear. Read
     * in one script, like {@link #text()}, so a re-rendered element cannot go stale in between.
     */
    public String textOf(String css) {
        Object text = new WebDriverWait(driver, WAIT).ignoring(WebDriverException.class).until(d -> driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css));
        return text.toString();
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The form control a {@code <label>} with exactly this text names (through its {@code for}
     * attribute): finding fields the way a person (or a screen reader) does checks the labels too.
     */
    public WebElement byLabel(String label) {
        WebElement element = new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//label[normalize-space(.)=" + xpathLiteral(label) + "]")));
        String id = element.getAttribute("for");
        if (id == null || id.isEmpty()) {
            throw new AssertionError("label '" + label + "' names no control (no for attribute)");
        }
        return driver.findElement(By.id(id));
    }

    /** Types into the control labelled {@code label}, replacing what it held. */
    public Browser type(String label, String text) {
        WebElement field = byLabel(label);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Clicks the element matching a CSS selector once it is clickable. */
    public Browser click(String css) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
        return this;
    }

    /** Clicks the button whose text is exactly {@code text}. */
    public Browser clickButton(String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space(.)=" + xpathLiteral(text) + "]"))).click();
        return this;
    }

    /** Waits until the page's text contains {@code text}; returns the page's text. */
    public String waitForText(String text) {
        try {
            // A script that runs while the page is being replaced can fail (its context goes away):
            // that is a moment of the navigation, not an answer, so look again until WAIT is up.
            new WebDriverWait(driver, WAIT).ignoring(WebDriverException.class)
                    .until(d -> text().contains(text));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("page " + currentUrl() + " never showed \"" + text + "\"; it shows:\n" + text(), e);
        }
        return text();
    }

    /** The window's inner size, for layout checks. */
    public Dimension size() {
        return driver.manage().window().getSize();
    }

    /** Runs a script in the page, for what the WebDriver API does not expose (layout widths). */
    public Object script(String javascript, Object... arguments) {
        return driver.executeScript(javascript, arguments);
    }

    /** Saves a PNG of the viewport to {@code target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Selenium driver, for anything this helper does not cover. */
    public ChromeDriver driver() {
        return driver;
    }

    private static String xpathLiteral(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        if (!s.contains("\"")) {
            return "\"" + s + "\"";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                // Best effort: Chromium may still be writing while it exits; the temp dir is the OS's to clean.
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // The profile is only temporary data.
            }
        }
    }
}
