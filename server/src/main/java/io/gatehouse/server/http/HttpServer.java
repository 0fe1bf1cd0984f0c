package io.gatehouse.server.http;

import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.List;

/**
 * The Helidon SE web server (virtual thread per request) with Gatehouse's filter, route groups and
 * fallback. Helidon's own payload limit is set to the same size as the JSON reader's, so a body announced
 * too large is refused before it is read.
 */
public final class HttpServer implements AutoCloseable {
    private final WebServer server;
    private final List<Routes.Route> routes;

    private HttpServer(WebServer server, List<Routes.Route> routes) {
        this.server = server;
        this.routes = routes;
    }

    /** Builds the routing from {@code groups} and starts listening. */
    public static HttpServer start(HttpSettings settings, RequestObserver observer, List<RouteGroup> groups) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new RequestFilter(settings, observer));
        Routes routes = new Routes(routing);
        groups.forEach(g -> g.register(routes));
        routing.any(new Fallback(routes));
        ProblemDirectHandler direct = new ProblemDirectHandler();
        WebServer server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                // The API's own limit (settings.maxBodyBytes, answered 413 by Json.readObject) is enforced by
                // the handlers, which leave the connection usable: Helidon's payload limit answers and then
                // closes with the body unread, and the client may see a reset instead of the 413. This
                // outer limit only cuts off bodies far beyond anything the API reads.
                .maxPayloadSize(Math.max(settings.maxBodyBytes() * 16, 1L << 20))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .shutdownHook(false)
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, direct);
                    }
                })
                .routing(routing)
                .build()
                .start();
        return new HttpServer(server, routes.list());
    }

    /** The port it listens on (the chosen one when configured as 0). */
    public int port() {
        return server.port();
    }

    /** Every registered route (the fallback excluded). */
    public List<Routes.Route> routes() {
        return routes;
    }

    @Override
    public void close() {
        server.stop();
    }
}
