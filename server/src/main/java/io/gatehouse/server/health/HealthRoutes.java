package io.gatehouse.server.health;

import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import java.util.function.Supplier;

/** {@code /health}, {@code /health/live}, {@code /health/ready}, {@code /health/redis}, {@code /health/database}, {@code /health/system}, {@code /health/cache}. */
public final class HealthRoutes implements RouteGroup {
    private final HealthService health;

    public HealthRoutes(HealthService health) {
        this.health = health;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/health", serve(health::overall));
        routes.get("/health/live", serve(health::live));
        routes.get("/health/ready", serve(health::ready));
        routes.get("/health/redis", serve(health::redis));
        routes.get("/health/database", serve(health::database));
        routes.get("/health/system", serve(health::system));
        routes.get("/health/cache", serve(health::cache));
    }

    private static io.helidon.webserver.http.Handler serve(Supplier<HealthService.Report> report) {
        return (req, res) -> {
            HealthService.Report r = report.get();
            Json.send(res, r.httpStatus(), r.body());
        };
    }
}
