package io.gatehouse.server.health;

import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.helidon.webserver.http.Handler;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code /health}, {@code /health/live}, {@code /health/ready}, {@code /health/redis}, {@code /health/database},
 * {@code /health/system}, {@code /health/cache}. Liveness and readiness are public (orchestrators probe them);
 * the others name backends, versions and figures, and pass through {@code details} (the monitor access check).
 */
public final class HealthRoutes implements RouteGroup {
    private final HealthService health;
    private final UnaryOperator<Handler> details;

    public HealthRoutes(HealthService health, UnaryOperator<Handler> details) {
        this.health = health;
        this.details = details;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/health", details.apply(serve(health::overall)));
        routes.get("/health/live", serve(health::live));
        routes.get("/health/ready", serve(health::ready));
        routes.get("/health/redis", details.apply(serve(health::redis)));
        routes.get("/health/database", details.apply(serve(health::database)));
        routes.get("/health/system", details.apply(serve(health::system)));
        routes.get("/health/cache", details.apply(serve(health::cache)));
    }

    private static Handler serve(Supplier<HealthService.Report> report) {
        return (req, res) -> {
            HealthService.Report r = report.get();
            Json.send(res, r.httpStatus(), r.body());
        };
    }
}
