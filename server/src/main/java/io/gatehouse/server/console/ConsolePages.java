package io.gatehouse.server.console;

import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's pages and assets: static HTML, CSS and JavaScript vendored in the server jar (resources
 * beside this class), read once at startup. Pages are static: the data comes from the console API, and the
 * scripts put it into the page as text only ({@code textContent}), never as markup.
 *
 * <p>Every console response carries a strict Content-Security-Policy: scripts, styles and fetches from this
 * origin only, no inline script or style, no framing ({@code frame-ancestors 'none'}); the server-wide
 * filter already sends {@code Referrer-Policy: no-referrer}, {@code X-Content-Type-Options: nosniff} and
 * {@code Cache-Control: no-store}.
 */
final class ConsolePages implements RouteGroup {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    static final List<String> ASSETS =
            List.of("console.css", "console.js", "signin.js", "account.js", "admin.js", "charts.js");
    private static final List<String> PAGES = List.of("signin.html", "account.html", "admin.html", "forbidden.html");

    private final ConsoleGate gate;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    ConsolePages(ConsoleGate gate) {
        this.gate = gate;
        for (String name : ASSETS) {
            files.put(name, read(name));
        }
        for (String name : PAGES) {
            files.put(name, read(name));
        }
    }

    @Override
    public void register(Routes routes) {
        routes.get("/account/", (req, res) -> page(req, res, false));
        routes.get("/admin/", (req, res) -> page(req, res, true));
        routes.get("/account/signin", (req, res) -> send(res, 200, "signin.html"));
        routes.get("/account", (req, res) -> redirect(res, "/account/"));
        routes.get("/admin", (req, res) -> redirect(res, "/admin/"));
        routes.get("/console/{asset}", this::asset);
    }

    private void page(ServerRequest req, ServerResponse res, boolean admin) {
        var user = gate.user(req);
        if (user.isEmpty()) {
            redirect(res, "/account/signin" + (admin ? "?next=admin" : ""));
            return;
        }
        if (admin && !user.get().isAdmin()) {
            send(res, 403, "forbidden.html");
            return;
        }
        send(res, 200, admin ? "admin.html" : "account.html");
    }

    private static void redirect(ServerResponse res, String to) {
        res.header(HeaderNames.LOCATION, to);
        res.status(Status.SEE_OTHER_303).send();
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("asset");
        if (!ASSETS.contains(name)) {
            res.status(Status.NOT_FOUND_404);
            headers(res, "text/plain; charset=utf-8");
            res.send("no such asset");
            return;
        }
        send(res, 200, name);
    }

    private void send(ServerResponse res, int status, String name) {
        String type = name.endsWith(".html")
                ? "text/html; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        res.status(Status.create(status));
        headers(res, type);
        res.send(files.get(name));
    }

    static void headers(ServerResponse res, String contentType) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header("Content-Security-Policy", CSP);
        res.header("Cross-Origin-Opener-Policy", "same-origin");
        res.header("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsolePages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("console asset " + name + " is missing from the server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
