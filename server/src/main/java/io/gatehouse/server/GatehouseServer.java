package io.gatehouse.server;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.server.admin.AdminRoutes;
import io.gatehouse.server.auth.AccountRoutes;
import io.gatehouse.server.auth.AccountService;
import io.gatehouse.server.auth.AdminAccess;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.auth.OAuthRoutes;
import io.gatehouse.server.auth.OAuthService;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.auth.SessionLiveness;
import io.gatehouse.server.auth.UserProfiles;
import io.gatehouse.server.auth.AuthRoutes;
import io.gatehouse.server.auth.AuthSettings;
import io.gatehouse.server.auth.BearerAuthenticator;
import io.gatehouse.server.auth.ClientRegistry;
import io.gatehouse.server.auth.TokenVerificationMetrics;
import io.gatehouse.server.health.HealthRoutes;
import io.gatehouse.server.health.HealthService;
import io.gatehouse.server.http.HttpServer;
import io.gatehouse.server.http.HttpSettings;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.metrics.ServerMetrics;
import io.gatehouse.server.user.Argon2Parameters;
import io.gatehouse.server.user.PasswordHasher;
import io.gatehouse.server.user.PasswordPolicy;
import io.gatehouse.server.user.UserDatabase;
import io.gatehouse.server.user.UserService;
import io.gatehouse.store.Stores;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gatehouse server: the stores, the user database, the services over them, and the HTTP
 * routes, started in that order and closed in reverse. Every dependency is built here, in plain code, so
 * a reader can see what serves each route.
 */
public final class GatehouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatehouseServer.class);

    private final List<AutoCloseable> resources;
    private final HttpServer http;
    private final ServerMetrics metrics;
    private final Services services;
    private final UserService users;
    private final UserProfiles profiles;

    private GatehouseServer(List<AutoCloseable> resources, HttpServer http, ServerMetrics metrics, Services services,
                            UserService users, UserProfiles profiles) {
        this.resources = resources;
        this.http = http;
        this.metrics = metrics;
        this.services = services;
        this.users = users;
        this.profiles = profiles;
    }

    /**
     * Opens everything {@code config} describes and starts listening.
     *
     * @throws io.gatehouse.config.ConfigException one paragraph naming the setting at fault; nothing stays open
     */
    public static GatehouseServer start(GatehouseConfig config) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            config = AuthSettings.withServerDefaults(config);
            HttpSettings settings = HttpSettings.fromConfig(config);
            AuthSettings authSettings = AuthSettings.from(config);
            PasswordPolicy policy = PasswordPolicy.fromConfig(config);
            Argon2Parameters argon2 = Argon2Parameters.fromConfig(config);
            ServerMetrics metrics = new ServerMetrics();
            opened.add(metrics);
            Stores stores = Stores.open(config, metrics.redis());
            opened.add(stores);
            metrics.redis().bindCircuits(stores);
            Services services = Services.open(stores, Clock.systemUTC(), metrics.registry());
            opened.add(services);
            io.gatehouse.server.backup.BackupJob.start(config, stores, metrics.registry()).ifPresent(opened::add);
            UserDatabase database = UserDatabase.open(config);
            opened.add(database);
            UserService users = UserService.builder().store(database.store()).hasher(PasswordHasher.argon2(argon2))
                    .policy(policy).build();
            // Authentication of protected routes (Bearer), of OAuth clients (Basic) and the admin check.
            TokenVerificationMetrics verifications = new TokenVerificationMetrics(metrics.registry());
            // Session liveness remembered between requests: introspection and refresh skip the store read.
            SessionLiveness liveness = SessionLiveness.fromConfig(config, services.sessions(), services.clock());
            BearerAuthenticator bearer = new BearerAuthenticator(services.tokens(), liveness, verifications);
            ClientRegistry clients = ClientRegistry.fromConfig(config, Clock.systemUTC());
            // The admin API's check (role admin, or a client with scope admin).
            AdminAccess admin = new AdminAccess(bearer, clients);
            // The flows behind the auth routes.
            UserProfiles profiles = new UserProfiles(services.caches(), users, authSettings.profileTtl());
            LoginService logins = new LoginService(services, users, profiles, liveness, verifications);
            AccountService accounts = new AccountService(services, users, profiles);
            HealthService health = new HealthService(stores, database, services);
            HttpServer http = HttpServer.start(settings, metrics, List.of(
                    new AuthRoutes(new RegistrationService(services, users), logins, accounts, bearer,
                            settings.maxBodyBytes()),
                    new AccountRoutes(accounts, profiles, bearer, settings.maxBodyBytes()),
                    new OAuthRoutes(logins, new OAuthService(services, liveness, verifications,
                            authSettings.audience(), AuthSettings.introspectBatch(config)), clients,
                            services.tokens(), authSettings, settings.maxBodyBytes()),
                    new HealthRoutes(health),
                    new AdminRoutes(services, users, admin, settings.maxBodyBytes()),
                    metrics,
                    new OpenApiRoute()));
            opened.add(http);
            log.info("Gatehouse listening on http://{}:{}", settings.host(), http.port(), kv("port", http.port()),
                    kv("user_database", database.url()), kv("issuer", authSettings.issuer()),
                    kv("oauth_clients", clients.toString()));
            return new GatehouseServer(List.copyOf(opened), http, metrics, services, users, profiles);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return http.port();
    }

    /** Every registered route, for the OpenAPI check and diagnostics. */
    public List<Routes.Route> routes() {
        return http.routes();
    }

    /** The meter registry, where capabilities add their meters. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** The core capabilities behind the routes (for tests that check state behind the HTTP answers). */
    public Services services() {
        return services;
    }

    /** The user rules over the user database. */
    public UserService users() {
        return users;
    }

    /** The cached user profiles: whoever changes a user drops its profile here. */
    public UserProfiles profiles() {
        return profiles;
    }

    /** Stops accepting requests, then closes the database and the stores. */
    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("error while closing {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
