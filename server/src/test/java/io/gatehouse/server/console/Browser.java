package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} through {@code chromium-driver}, installed by
 * scripts/test), with the waits, the axe-core check and the screenshots the console tests share. Selenium
 * is pointed at the Debian binaries, so it never looks for (or downloads) a driver of its own.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Installed by scripts/test with npm (pinned version), outside git. */
    static final Path AXE = Path.of("..", ".cache", "npm", "node_modules", "axe-core", "axe.min.js");

    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);

    final ChromeDriver driver;
    private final Path profile;
    private final String axe;

    private Browser(ChromeDriver driver, Path profile, String axe) {
        this.driver = driver;
        this.profile = profile;
        this.axe = axe;
    }

    static Browser start() {
        assertThat(CHROMEDRIVER)
                .as("chromium-driver (scripts/test installs it with apt)")
                .exists();
        assertThat(CHROMIUM).as("chromium (scripts/test installs it with apt)").exists();
        assertThat(AXE)
                .as("axe-core (scripts/test installs it with npm into .cache/npm)")
                .exists();
        try {
            Path profile = Files.createTempDirectory("gatehouse-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile,
                    "--window-size=1280,900");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return new Browser(driver, profile, Files.readString(AXE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriverWait waiting() {
        // Pages re-render their tables after each action: an element found a moment ago may be replaced.
        return (WebDriverWait) new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    WebElement visible(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks the element once it is there (again if the page replaced it meanwhile). */
    void click(By by) {
        waiting().until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    void textAppears(By by, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void urlEnds(String suffix) {
        waiting().until(d -> d.getCurrentUrl().endsWith(suffix));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** A same-origin fetch made by the page (with its cookie), answering {@code {status, body}}. */
    JsonNode fetch(String method, String path, String csrf) {
        Object r = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const headers = arguments[2] ? {"X-CSRF-Token": arguments[2]} : {};
                fetch(arguments[1], {method: arguments[0], headers, credentials: "same-origin"})
                  .then(async r => done(JSON.stringify({status: r.status, body: await r.text()})))
                  .catch(e => done(JSON.stringify({status: -1, body: String(e)})));
                """, method, path, csrf);
        try {
            return Json.MAPPER.readTree((String) r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs axe-core in the page: the serious and critical violations, as "rule: nodes" lines. */
    List<String> accessibilityViolations() {
        script(axe);
        Object r = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ["violations"]})
                  .then(r => done(JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                     .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")))))
                  .catch(e => done(JSON.stringify(["axe failed: " + e])));
                """);
        try {
            List<String> out = new ArrayList<>();
            Json.MAPPER.readTree((String) r).forEach(n -> out.add(n.asText()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code <name>-desktop.png} and {@code <name>-phone.png} under target/console-screenshots. */
    void screenshots(String name) {
        try {
            Files.createDirectories(SHOTS);
            for (var size : List.of(DESKTOP, PHONE)) {
                driver.manage().window().setSize(size);
                // As much of the page as a reader takes in: the document's height at this width, at most two screens.
                Number height = (Number) script("return document.documentElement.scrollHeight");
                driver.manage()
                        .window()
                        .setSize(new Dimension(
                                size.width, Math.min(2 * size.height, Math.max(size.height, height.intValue()))));
                byte[] png = driver.getScreenshotAs(OutputType.BYTES);
                Files.write(SHOTS.resolve(name + "-" + (size == DESKTOP ? "desktop" : "phone") + ".png"), png);
            }
            driver.manage().window().setSize(DESKTOP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
