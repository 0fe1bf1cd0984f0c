package io.gatehouse.server.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way routes are added. Each route is recorded (method and template) so that metrics label
 * requests by template, the 405 fallback can name the allowed methods, and a test can compare the routes
 * with {@code openapi.yaml}. Each handler runs wrapped: whatever it throws becomes a problem response
 * (see {@link Errors}), so no exception reaches the client as a bare 500 page.
 */
public final class Routes {
    /**
     * One registered route.
     *
     * @param method   upper-case HTTP method
     * @param template the path with {@code {name}} segments, as registered
     */
    public record Route(String method, String template) {}

    private final HttpRouting.Builder routing;
    private final List<Route> routes = new ArrayList<>();

    Routes(HttpRouting.Builder routing) {
        this.routing = routing;
    }

    public Routes get(String template, Handler handler) {
        return add(Method.GET, template, handler);
    }

    public Routes post(String template, Handler handler) {
        return add(Method.POST, template, handler);
    }

    public Routes put(String template, Handler handler) {
        return add(Method.PUT, template, handler);
    }

    public Routes delete(String template, Handler handler) {
        return add(Method.DELETE, template, handler);
    }

    private Routes add(Method method, String template, Handler handler) {
        if (!template.startsWith("/") || routes.contains(new Route(method.text(), template))) {
            throw new IllegalArgumentException("bad or duplicate route " + method.text() + " " + template);
        }
        routes.add(new Route(method.text(), template));
        routing.route(method, template, (req, res) -> run(template, handler, req, res));
        return this;
    }

    private static void run(String template, Handler handler, ServerRequest req, ServerResponse res) {
        Exchange.of(req).route(template);
        try {
            handler.handle(req, res);
        } catch (Exception | StackOverflowError e) {
            ProblemException p = Errors.toProblem(e);
            Responses.problem(req, res, p.problem(), p.headers());
        }
    }

    /** Every route registered so far, in order. */
    public List<Route> list() {
        return List.copyOf(routes);
    }

    /** The methods some route accepts for this concrete (decoded) path; empty if no template matches. */
    public Set<String> methodsFor(String path) {
        Set<String> methods = new LinkedHashSet<>();
        for (Route r : routes) {
            if (matches(r.template(), path)) {
                methods.add(r.method());
            }
        }
        return methods;
    }

    /** Whether {@code path} fits {@code template}, where a {@code {name}} segment matches one non-empty segment. */
    static boolean matches(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            boolean param = t[i].startsWith("{") && t[i].endsWith("}");
            if (param ? p[i].isEmpty() : !t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }
}
