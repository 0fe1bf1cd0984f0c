package io.gatehouse.server.http;

import io.gatehouse.config.ConfigException;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
        if (settings.port() != 0) {
            requireFree(settings);
        }
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
                // HTTP/1.1 connections are persistent unless either side says "close" (RFC 9112 section 9.3): a
                // "Connection: keep-alive" on every response says nothing, and Helidon tokenises it again after
                // each request with a body (to see whether it says "close"), ~5 % of an introspection's CPU.
                // The one protocol (an added config would sit beside the discovered default: two candidates,
                // and Helidon then drops an HTTP/1.0 request without its 505).
                .protocolsDiscoverServices(false)
                .protocols(
                        List.of(Http1Config.builder().sendKeepAliveHeader(false).build()))
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
        if (!server.isRunning() || server.port() < 0) {
            // Helidon logs the bind failure and returns a server without a listener; a process that stays
            // up then serves nothing while looking healthy to its supervisor.
            server.stop();
            throw cannotListen(settings);
        }
        return new HttpServer(server, routes.list());
    }

    /** Helidon logs a taken port as an error with a stack trace: find out first and say it in one line. */
    private static void requireFree(HttpSettings settings) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(settings.host(), settings.port()));
        } catch (IOException e) {
            throw cannotListen(settings);
        }
    }

    private static ConfigException cannotListen(HttpSettings settings) {
        return new ConfigException(
                HttpSettings.PORT_KEY,
                "Cannot listen on " + settings.host() + ":"
                        + settings.port() + " (address in use or not available); free it or set "
                        + HttpSettings.HOST_KEY + " / " + HttpSettings.PORT_KEY);
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
