package io.gatehouse.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The last route: a path no template matches is 404; a known path with another method is 405 with
 * {@code Allow}; {@code OPTIONS} on a known path is 204 with {@code Allow}. Always problem details.
 */
final class Fallback implements Handler {
    private final Routes routes;

    Fallback(Routes routes) {
        this.routes = routes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Set<String> methods = routes.methodsFor(req.path().path());
        if (methods.isEmpty()) {
            Responses.problem(req, res, Problem.of(404, "Not Found", "no such resource"), Map.of());
            return;
        }
        Set<String> allow = new LinkedHashSet<>(methods);
        if (allow.contains("GET")) {
            allow.add("HEAD");
        }
        allow.add("OPTIONS");
        String allowHeader = String.join(", ", allow);
        if (req.prologue().method() == Method.OPTIONS) {
            res.header(HeaderNames.ALLOW, allowHeader);
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        Responses.problem(
                req,
                res,
                Problem.of(
                        405,
                        "Method Not Allowed",
                        req.prologue().method().text().length() > 20
                                ? "this method is not allowed here"
                                : req.prologue().method().text() + " is not allowed here; allowed: " + allowHeader),
                Map.of("Allow", allowHeader));
    }
}
