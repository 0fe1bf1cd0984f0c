package io.gatehouse.server.auth;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import java.util.Map;
import java.util.Optional;

/**
 * Who may read the operational details: {@code /health} and its parts (backend URLs, versions, heap, pool
 * figures) and {@code /metrics}. {@code /health/live} and {@code /health/ready} stay public for orchestrators.
 *
 * <p>{@value #KEY}: {@code client} (default) needs HTTP Basic credentials of an OAuth client with scope
 * {@value #SCOPE} (what a Prometheus {@code basic_auth} scrape config sends); {@code public} serves them to
 * anyone, for a listener only the operator's network reaches.
 */
public final class MonitorAccess {
    public static final String KEY = "gatehouse.server.monitor-access";
    /** The client scope that opens the monitoring routes. */
    public static final String SCOPE = "monitor";

    private final ClientRegistry clients;
    private final boolean open;

    private MonitorAccess(ClientRegistry clients, boolean open) {
        this.clients = clients;
        this.open = open;
    }

    public static MonitorAccess fromConfig(GatehouseConfig config, ClientRegistry clients) {
        String v = config.string(KEY, "client").strip();
        return switch (v) {
            case "client" -> new MonitorAccess(clients, false);
            case "public" -> new MonitorAccess(clients, true);
            default ->
                throw new ConfigException(
                        KEY,
                        KEY + " = '" + v + "' must be client (an OAuth client with scope " + SCOPE
                                + ", the default) or public (only on a network the operator controls)");
        };
    }

    /** {@code handler}, served only to a {@value #SCOPE} client unless access is public. */
    public Handler protect(Handler handler) {
        if (open) {
            return handler;
        }
        return (req, res) -> {
            Optional<ClientCredentials> basic;
            try {
                basic = ClientCredentials.fromBasic(
                        req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
            } catch (InvalidClientException e) {
                throw unauthorized(e.getMessage());
            }
            if (basic.isEmpty()) {
                throw unauthorized("these details need the credentials of a client with scope " + SCOPE);
            }
            OAuthClient client;
            try {
                client = clients.authenticate(basic.get(), ClientInfo.of(req));
            } catch (InvalidClientException e) {
                throw unauthorized(e.getMessage());
            }
            if (!client.hasScope(SCOPE)) {
                throw new ProblemException(Problem.typed(
                        "forbidden", 403, "Forbidden", "this client does not have the " + SCOPE + " scope"));
            }
            Exchange.of(req).userId("client:" + client.id());
            handler.handle(req, res);
        };
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(
                Problem.typed("unauthenticated", 401, "Unauthorized", detail),
                Map.of("WWW-Authenticate", "Basic " + BearerAuthenticator.REALM + ", charset=\"UTF-8\""));
    }
}
