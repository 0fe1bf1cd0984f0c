package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.account.Actor;
import io.gatehouse.server.http.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (headless Chromium): the account page's flows, the admin console's, and the
 * attacks that must change nothing. One server and one browser for the class; each test has its own users.
 * Every page visited is checked with axe-core (no serious or critical violation) and photographed at desktop
 * and phone widths under target/console-screenshots.
 */
class ConsoleBrowserIntegrationTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Browser browser;
    private static HttpServer attacker;
    private static ApiUser admin;

    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir Path dataDir) throws IOException {
        server = TestServer.start(
                dataDir,
                Map.of(
                        "gatehouse.ratelimit.policy.login-ip.rate", "1000/1m",
                        "gatehouse.ratelimit.policy.register-ip.rate", "1000/1m",
                        "gatehouse.lockout.ip-account.max-failures", "3",
                        // The second-factor test uses codes a few time steps ahead instead of waiting for the clock.
                        "gatehouse.mfa.window", "3"));
        browser = Browser.start();
        admin = ApiUser.register(server, "admin-" + UUID.randomUUID() + "@example.com", PASSWORD, "Ada Admin");
        // The documented bootstrap (docs/CONSOLE.md) is this account action, run by the CLI.
        server.server().gatehouse().accounts().setRoles(admin.id(), Set.of("user", "admin"), Actor.operator("test"));
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.start();
    }

    @AfterAll
    static void stop() {
        if (attacker != null) {
            attacker.stop(0);
        }
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.driver.get(url("/account/signin"));
        browser.driver.manage().deleteAllCookies();
    }

    private static String url(String path) {
        return server.uri(path).toString();
    }

    private static ApiUser newUser(String fullName) {
        return ApiUser.register(server, "u-" + UUID.randomUUID() + "@example.com", PASSWORD, fullName);
    }

    private static void signIn(ApiUser user, String next) {
        browser.driver.get(url("/account/signin" + next));
        browser.visible(By.id("signin-email")).sendKeys(user.email);
        browser.driver.findElement(By.id("signin-password")).sendKeys(user.password);
        browser.driver.findElement(By.id("signin-submit")).click();
        browser.urlEnds(next.isEmpty() ? "/account/" : "/admin/");
    }

    /** Searches users on the admin page once its first listing is in, and waits for the single match. */
    private static void search(String query) {
        browser.visible(By.cssSelector("#users table"));
        browser.visible(By.id("user-q")).sendKeys(query);
        browser.driver.findElement(By.cssSelector("#user-search button")).click();
        browser.textAppears(By.id("users"), "1–1 of 1");
    }

    private static WebElement sessionList() {
        return browser.visible(By.cssSelector("#sessions table"));
    }

    private static void accessible(String page) {
        assertThat(browser.accessibilityViolations())
                .as("serious or critical axe-core violations on " + page)
                .isEmpty();
    }

    @Test
    void registerSignInSeeAnApiLoginWithItsBrowserAndSignItOut() {
        browser.driver.get(url("/account/signin"));
        accessible("sign-in");
        browser.screenshots("signin");
        String email = "new-" + UUID.randomUUID() + "@example.com";
        browser.visible(By.id("register-name")).sendKeys("Nora New");
        browser.driver.findElement(By.id("register-email")).sendKeys(email);
        browser.driver.findElement(By.id("register-password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.id("register-submit")).click();
        browser.urlEnds("/account/");
        browser.textAppears(By.id("who"), "Nora New");
        assertThat(sessionList().getText()).contains("this browser");

        ApiUser api = new ApiUser(server, email, PASSWORD);
        String token = api.login(ApiUser.FIREFOX_WINDOWS);
        assertThat(api.me(token)).isEqualTo(200);
        browser.driver.navigate().refresh();
        browser.textAppears(By.id("sessions"), "Firefox 128 on Windows 10");
        accessible("account");
        browser.screenshots("account");

        browser.driver
                .findElement(
                        By.xpath("//td[contains(@class,'session')][contains(., 'Firefox 128')]/ancestor::tr//button"))
                .click();
        browser.waiting()
                .until(ExpectedConditions.invisibilityOfElementLocated(
                        By.xpath("//td[contains(@class,'session')][contains(., 'Firefox 128')]")));
        assertThat(api.me(token))
                .as("the access token of the session signed out in the page")
                .isEqualTo(401);
        assertThat(sessionList().getText()).contains("this browser");
    }

    @Test
    void trustAndUntrustThisDevice() {
        ApiUser user = newUser("Tess Trust");
        signIn(user, "");
        By current = By.xpath("//td[contains(@class,'device')][contains(., 'this browser')]/ancestor::tr");
        browser.visible(current).findElement(By.tagName("button")).click();
        browser.waiting().until(d -> d.findElement(current).getText().contains("Untrust"));
        assertThat(browser.driver.findElement(current).getText()).contains("trusted");
        assertThat(server.server().gatehouse().sessions().trustedDevices(user.id()))
                .hasSize(1);
        browser.driver.findElement(current).findElement(By.tagName("button")).click();
        browser.waiting().until(d -> d.findElement(current).getText().contains("not trusted"));
        assertThat(server.server().gatehouse().sessions().trustedDevices(user.id()))
                .isEmpty();
    }

    /**
     * Two-step sign-in in the pages: turn it on (QR code and key, a first code, the recovery codes shown), sign in
     * again with a code, a step-up dialog when the sign-in is no longer recent (its time set back in the session),
     * then turn it off.
     */
    @Test
    void aUserTurnsOnTwoStepSignInSignsInWithACodeAndConfirmsThePasswordForAStepUp() {
        ApiUser user = newUser("Otto Otp");
        signIn(user, "");
        browser.visible(By.id("mfa-enrol")).click();
        browser.visible(By.cssSelector("#mfa-qr svg"));
        TotpCodes app = new TotpCodes(
                browser.visible(By.id("mfa-secret")).getText(), java.time.Clock.systemUTC(), new ArrayList<>());
        accessible("account page, two-step sign-in being turned on");
        browser.screenshots("account-mfa");
        browser.driver.findElement(By.id("mfa-confirm-code")).sendKeys(app.next());
        browser.driver.findElement(By.id("mfa-confirm-submit")).click();
        browser.textAppears(By.id("mfa-state"), "Recovery codes left: 10");
        assertThat(browser.driver.findElements(By.cssSelector("#mfa-recovery-list li")))
                .hasSize(10);

        browser.driver.findElement(By.id("signout")).click();
        browser.urlEnds("/account/signin");
        browser.visible(By.id("signin-email")).sendKeys(user.email);
        browser.driver.findElement(By.id("signin-password")).sendKeys(user.password);
        browser.driver.findElement(By.id("signin-submit")).click();
        browser.visible(By.id("mfa-code")).sendKeys(app.next());
        accessible("sign-in, second step");
        browser.screenshots("signin-mfa");
        browser.driver.findElement(By.id("mfa-submit")).click();
        browser.urlEnds("/account/");
        sessionList();

        // The sign-in is no longer recent: new recovery codes ask for the password and a code first.
        String sessionId = browser.driver
                .manage()
                .getCookieNamed("gatehouse-console")
                .getValue()
                .split("~")[0];
        server.server()
                .gatehouse()
                .sessions()
                .updateAttributes(
                        sessionId,
                        Map.of(
                                ConsoleGate.AUTH_TIME,
                                Long.toString(java.time.Instant.now()
                                        .minusSeconds(3600)
                                        .getEpochSecond())),
                        Set.of());
        browser.visible(By.id("mfa-codes")).click();
        browser.visible(By.id("reauth-password")).sendKeys(PASSWORD);
        accessible("step-up dialog");
        browser.screenshots("account-reauth");
        browser.driver.findElement(By.id("reauth-code")).sendKeys(app.next());
        browser.driver.findElement(By.id("reauth-submit")).click();
        browser.textAppears(By.id("status"), "New recovery codes");
        assertThat(browser.driver.findElements(By.tagName("dialog"))).isEmpty();

        browser.driver.findElement(By.id("mfa-disable-password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.id("mfa-disable-submit")).click();
        browser.textAppears(By.id("status"), "Two-step sign-in is off");
        assertThat(server.server().gatehouse().secondFactors().enabled(user.id()))
                .isFalse();
    }

    @Test
    void changingThePasswordEndsTheOtherSessions() {
        ApiUser user = newUser("Pat Password");
        String token = user.login(ApiUser.SAFARI_IPHONE);
        signIn(user, "");
        browser.textAppears(By.id("sessions"), "Mobile Safari 17 on iOS 17");
        browser.driver.findElement(By.id("password-current")).sendKeys(PASSWORD);
        browser.driver.findElement(By.id("password-new")).sendKeys("a brand new passphrase");
        browser.driver.findElement(By.id("password-submit")).click();
        browser.textAppears(By.id("status"), "1 other session(s) signed out");
        assertThat(user.me(token)).isEqualTo(401);
        browser.driver.navigate().refresh();
        assertThat(sessionList().getText()).contains("this browser").doesNotContain("Safari");
    }

    @Test
    void thisWasntMeEndsEverythingAndAsksForANewPassword() {
        ApiUser user = newUser("Wes Wasnt");
        String token = user.login(ApiUser.FIREFOX_WINDOWS);
        signIn(user, "");
        browser.visible(By.cssSelector("#activity button.not-me")).click();
        browser.visible(By.id("not-me-current")).sendKeys(PASSWORD);
        browser.driver.findElement(By.id("not-me-new")).sendKeys("only I know this one");
        accessible("account with 'this wasn't me'");
        browser.driver.findElement(By.id("not-me-submit")).click();
        browser.urlEnds("/account/signin");
        assertThat(user.me(token)).isEqualTo(401);
        assertThat(server.server().gatehouse().sessions().list(user.id())).isEmpty();
        assertThat(user.loginResponse(PASSWORD, "test").statusCode()).isEqualTo(401);
        assertThat(user.loginResponse("only I know this one", "test").statusCode())
                .isEqualTo(200);
    }

    @Test
    void adminSuspendsUnlocksFindsTheLockoutAndExports() {
        ApiUser victim = newUser("Vic Suspended");
        String victimToken = victim.login(ApiUser.FIREFOX_WINDOWS);
        ApiUser locked = newUser("Lou Locked");
        for (int i = 0; i < 3; i++) {
            assertThat(locked.loginResponse("wrong password", "test").statusCode())
                    .isEqualTo(401);
        }
        assertThat(locked.loginResponse(PASSWORD, "test").statusCode())
                .as("locked out")
                .isEqualTo(429);

        signIn(admin, "?next=admin");
        browser.visible(By.cssSelector("#events table"));
        browser.visible(By.cssSelector("#chart-hours svg"));
        browser.visible(By.cssSelector("#chart-days svg rect"));
        browser.textAppears(By.id("health"), "database");
        browser.textAppears(By.id("revocations"), "total");

        // A rate-limit status without consuming, then a reset (recorded as an admin action).
        new Select(browser.visible(By.id("limit-policy"))).selectByValue("login-account");
        browser.driver.findElement(By.id("limit-subject")).sendKeys(locked.email.toLowerCase());
        browser.driver
                .findElement(By.cssSelector("#limit-status button[type=submit]"))
                .click();
        browser.textAppears(By.id("limit-result"), "remaining");
        browser.driver.findElement(By.id("limit-reset")).click();
        browser.textAppears(By.id("status"), "Reset.");
        accessible("admin");
        browser.screenshots("admin");

        // Suspend: the user's live access token is refused at once.
        search(victim.email);
        browser.click(By.xpath("//div[@id='users']//button[@aria-label='Open " + victim.email + "']"));
        browser.textAppears(By.id("user"), victim.email);
        browser.visible(By.id("admin-reason")).sendKeys("fraud report 1234");
        browser.driver.findElement(By.id("user-suspend")).click();
        browser.textAppears(By.id("user-status"), "suspended");
        assertThat(victim.me(victimToken)).isEqualTo(401);
        accessible("admin user page");
        browser.screenshots("admin-user");

        // Unlock the locked account from the list of lockouts in force.
        By lockedRow = By.xpath("//div[@id='lockouts']//tr[contains(., '" + locked.email.toLowerCase() + "')]");
        browser.driver.navigate().refresh();
        browser.visible(lockedRow).findElement(By.tagName("button")).click();
        browser.textAppears(By.id("status"), "Unlocked.");
        browser.waiting().until(ExpectedConditions.invisibilityOfElementLocated(lockedRow));
        assertThat(locked.loginResponse(PASSWORD, "test").statusCode()).isEqualTo(200);

        // The lockout event in the explorer, then exported.
        new Select(browser.driver.findElement(By.id("ev-type"))).selectByValue("lockout");
        browser.driver.findElement(By.cssSelector("#event-filters button")).click();
        browser.textAppears(By.id("events"), locked.email.toLowerCase());
        String csvHref = browser.driver.findElement(By.id("export-csv")).getAttribute("href");
        assertThat(csvHref).contains("type=lockout");
        JsonNode csv = browser.fetch("GET", csvHref, null);
        assertThat(csv.path("status").asInt()).isEqualTo(200);
        List<String> lines = csv.path("body").asText().lines().toList();
        assertThat(lines.get(0)).isEqualTo("id,time,type,severity,user,ip,user_agent,reason,details");
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).contains(",lockout,critical,").contains(locked.email.toLowerCase()));
        JsonNode jsonl = browser.fetch(
                "GET", browser.driver.findElement(By.id("export-jsonl")).getAttribute("href"), null);
        assertThat(jsonl.path("body")
                        .asText()
                        .lines()
                        .map(TestServerJson::parse)
                        .toList())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("lockout"));
    }

    @Test
    void aNonAdminGets403OnEveryAdminPageAndAction() {
        ApiUser user = newUser("Norm Plain");
        signIn(user, "");
        browser.driver.get(url("/admin/"));
        browser.textAppears(By.tagName("h2"), "This page is for administrators");
        String csrf = TestServerJson.parse(browser.fetch("GET", "/account/api/me", null)
                        .path("body")
                        .asText())
                .path("csrf")
                .asText();
        List<String> checked = new ArrayList<>();
        for (var route : server.server().routes()) {
            if (!route.template().startsWith(AdminApi.BASE)) {
                continue;
            }
            String path = route.template().replace("{id}", user.id()).replace("{policy}", "login-ip") + "?subject=x";
            JsonNode r = browser.fetch(route.method(), path, csrf);
            assertThat(r.path("status").asInt())
                    .as(route.method() + " " + route.template())
                    .isEqualTo(403);
            checked.add(route.method() + " " + route.template());
        }
        assertThat(checked).hasSizeGreaterThan(15);
        assertThat(server.server()
                        .gatehouse()
                        .users()
                        .find(user.id())
                        .orElseThrow()
                        .active())
                .isTrue();
    }

    @Test
    void markupInUserAgentFullNameAndEmailIsShownAsText() {
        String email = "<img/src=x/onerror=window.__xss=1>@example.com";
        ApiUser user = ApiUser.register(server, email, PASSWORD, "<img src=x onerror=\"window.__xss=1\">");
        user.login("<script>window.__xss=1</script><img src=x onerror=window.__xss=1>");
        signIn(user, "");
        browser.textAppears(By.id("sessions"), "<script>window.__xss=1</script>");
        assertThat(browser.driver.findElement(By.id("who")).getText())
                .contains("<img src=x onerror=\"window.__xss=1\">")
                .contains(email);
        assertThat(browser.driver.findElements(By.cssSelector("main img, main script, header img")))
                .isEmpty();
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);

        // And in the admin console, where an administrator looks at the same user.
        browser.driver.manage().deleteAllCookies();
        signIn(admin, "?next=admin");
        search("onerror");
        browser.click(By.xpath("//div[@id='users']//button[@aria-label='Open " + email + "']"));
        browser.textAppears(By.id("user"), "<script>window.__xss=1</script>");
        assertThat(browser.driver.findElements(By.cssSelector("main img, main script")))
                .isEmpty();
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    }

    @Test
    void aCrossSiteFormPostAndAForeignFetchChangeNothing() throws IOException {
        ApiUser user = newUser("Cass Crosssite");
        signIn(user, "");
        sessionList();
        String target = url("/account/api/sessions/end-all");
        // A page of another site (localhost is not the same site as 127.0.0.1) posts a form to the console and
        // fetches it with credentials; neither may end the victim's sessions.
        byte[] page = ("""
                <!doctype html><html><body>
                <iframe name="sink" title="sink"></iframe>
                <form id="f" method="post" action="%s" target="sink" enctype="text/plain"><input name="a" value="b"></form>
                <script>
                document.getElementById('f').submit();
                fetch('%s', {method: 'POST', mode: 'no-cors', credentials: 'include',
                  headers: {'Content-Type': 'text/plain'}, body: '{}'})
                  .finally(() => { document.title = 'done'; });
                </script></body></html>""").formatted(target, target).getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/evil", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        browser.driver.get("http://localhost:" + attacker.getAddress().getPort() + "/evil");
        browser.waiting().until(d -> "done".equals(d.getTitle()));
        assertThat(server.server().gatehouse().sessions().list(user.id())).hasSize(1);
        browser.driver.get(url("/account/"));
        assertThat(sessionList().getText()).contains("this browser");
    }

    /** Page weight (bytes of the document and every resource, uncompressed) and time to a rendered session list. */
    @Test
    void pageWeightAndTimeToTheSessionList() throws IOException {
        ApiUser user = newUser("Bea Bench");
        signIn(user, "");
        List<Long> millis = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            browser.driver.navigate().refresh();
            sessionList();
            // The page marks the moment it has put the session list into the document (account.js).
            millis.add(((Number)
                            browser.script(
                                    "return Math.round(performance.getEntriesByName('gatehouse:sessions-rendered')[0].startTime)"))
                    .longValue());
            bytes = pageBytes();
        }
        assertThat(bytes)
                .as("account page weight with its assets and API answers")
                .isPositive()
                .isLessThan(150 * 1024);
        List<Long> sorted = millis.stream().sorted().toList();
        String report =
                "account page: " + bytes + " bytes uncompressed (document, assets, API answers); time to a rendered"
                        + " session list after navigation start, 10 reloads: median " + sorted.get(5) + " ms, max "
                        + sorted.get(9) + " ms";
        Files.createDirectories(Browser.SHOTS);
        Files.writeString(Browser.SHOTS.resolve("page-weight.txt"), report + "\n");
        System.out.println(report);
    }

    /**
     * The admin page's weight (document, assets and API answers, uncompressed) and times to a rendered
     * page and to a user's rendered session list in Chromium, printed for docs/BENCHMARKS.md. Figures
     * only: no time is asserted.
     */
    @Test
    void adminPageWeightAndTimeToAUsersSessionList() throws IOException {
        ApiUser user = newUser("Sam Sessions");
        user.login(ApiUser.FIREFOX_WINDOWS);
        signIn(admin, "?next=admin");
        List<Long> pageMillis = new ArrayList<>();
        List<Long> userMillis = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            browser.driver.navigate().refresh();
            pageMillis.add(mark("gatehouse:admin-rendered"));
            // From the click on "Open" to the user's page with its session list in the document.
            browser.script(
                    "performance.clearMarks('gatehouse:user-rendered'); performance.mark('gatehouse:open');"
                            + " document.querySelector(\"button[aria-label='Open \" + arguments[0] + \"']\").click();",
                    user.email);
            long opened = mark("gatehouse:user-rendered");
            userMillis.add(opened - mark("gatehouse:open"));
            bytes = pageBytes();
        }
        assertThat(bytes)
                .as("admin page weight with its assets and API answers, a user's page open")
                .isPositive();
        List<Long> page = pageMillis.stream().sorted().toList();
        List<Long> opening = userMillis.stream().sorted().toList();
        String report = "admin page: " + bytes + " bytes uncompressed (document, assets, API answers, one user's page"
                + " open); 10 reloads: time to the rendered page (users, lockouts, events, charts, limits, health)"
                + " after navigation start median " + page.get(5) + " ms, max " + page.get(9) + " ms; from the"
                + " click on Open to the user's rendered session list median " + opening.get(5) + " ms, max "
                + opening.get(9) + " ms";
        Files.createDirectories(Browser.SHOTS);
        Files.writeString(Browser.SHOTS.resolve("admin-page-weight.txt"), report + "\n");
        System.out.println(report);
    }

    /** Bytes of the document and of every resource and API answer it loaded, uncompressed. */
    private static long pageBytes() {
        return ((Number) browser.script("""
                        const nav = performance.getEntriesByType('navigation')[0];
                        return nav.decodedBodySize + performance.getEntriesByType('resource')
                          .reduce((s, r) => s + r.decodedBodySize, 0);""")).longValue();
    }

    /** The start time (ms after navigation start) of a performance mark, once the page has set it. */
    private static long mark(String name) {
        return browser.waiting()
                .until(d -> (Number) browser.script(
                        "const m = performance.getEntriesByName(arguments[0]); return m.length ? Math.round(m[0].startTime) : null;",
                        name))
                .longValue();
    }
}
