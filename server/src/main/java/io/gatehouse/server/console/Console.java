package io.gatehouse.server.console;

import io.gatehouse.Gatehouse;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.auth.SessionLiveness;
import io.gatehouse.server.health.HealthService;
import io.gatehouse.server.http.RouteGroup;
import java.util.List;

/** The web console's route groups: pages and assets, the account API, the admin API. */
public final class Console {
    private Console() {
    }

    /** Path prefixes of the console (not part of the JSON API's OpenAPI document). */
    public static final List<String> PREFIXES = List.of("/account/", "/admin/", "/console/");

    public static List<RouteGroup> routes(Gatehouse gatehouse, LoginService logins, RegistrationService registration,
                                          SessionLiveness liveness, HealthService health, String publicUrl,
                                          long maxBodyBytes) {
        ConsoleGate gate = new ConsoleGate(liveness, gatehouse.profiles(), publicUrl);
        ConsoleViews views = new ConsoleViews(new Browsers());
        return List.of(new ConsolePages(gate),
                new AccountApi(gate, views, logins, registration, gatehouse.accounts(), gatehouse.sessions(),
                        gatehouse.events(), gatehouse.clock(), maxBodyBytes),
                new AdminApi(gate, views, gatehouse, health, maxBodyBytes));
    }
}
