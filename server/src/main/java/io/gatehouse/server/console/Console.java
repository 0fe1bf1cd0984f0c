package io.gatehouse.server.console;

import io.gatehouse.Gatehouse;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.auth.SecondFactorSettings;
import io.gatehouse.server.auth.SessionLiveness;
import io.gatehouse.server.auth.StepUp;
import io.gatehouse.server.health.HealthService;
import io.gatehouse.server.http.RouteGroup;
import java.util.List;

/** The web console's route groups: pages and assets, the account API, the admin API. */
public final class Console {
    private Console() {}

    /** {@code gatehouse.server.console}, default true: serve the console (false: its paths are 404). */
    public static final String ENABLED_KEY = "gatehouse.server.console";

    private static final List<String> ROOTS = List.of("/account", "/admin", "/console");

    /** Whether a route template is the console's (not part of the JSON API's OpenAPI document). */
    public static boolean owns(String template) {
        return ROOTS.stream().anyMatch(r -> template.equals(r) || template.startsWith(r + "/"));
    }

    /** Whether {@code config} turns the console on ({@value #ENABLED_KEY}, default true). */
    public static boolean enabled(io.gatehouse.config.GatehouseConfig config) {
        return config.flag(ENABLED_KEY, true);
    }

    public static List<RouteGroup> routes(
            Gatehouse gatehouse,
            LoginService logins,
            RegistrationService registration,
            SessionLiveness liveness,
            SecondFactorSettings secondFactors,
            StepUp stepUp,
            HealthService health,
            String publicUrl,
            long maxBodyBytes) {
        ConsoleGate gate = new ConsoleGate(liveness, gatehouse.profiles(), publicUrl, stepUp);
        ConsoleViews views = new ConsoleViews(new Browsers());
        return List.of(
                new ConsolePages(gate),
                new AccountApi(
                        gate,
                        views,
                        logins,
                        registration,
                        secondFactors,
                        gatehouse.accounts(),
                        gatehouse.sessions(),
                        gatehouse.events(),
                        gatehouse.clock(),
                        maxBodyBytes),
                new AdminApi(gate, views, gatehouse, health, maxBodyBytes));
    }
}
