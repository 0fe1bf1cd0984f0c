package io.gatehouse.server;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.gatehouse.Gatehouse;
import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.emailtoken.EmailTokens;
import io.gatehouse.origin.LoginOrigins;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.server.admin.AdminRoutes;
import io.gatehouse.server.auth.AccountRoutes;
import io.gatehouse.server.auth.AccountService;
import io.gatehouse.server.auth.AdminAccess;
import io.gatehouse.server.auth.ApiLimits;
import io.gatehouse.server.auth.AuthRoutes;
import io.gatehouse.server.auth.AuthSettings;
import io.gatehouse.server.auth.BearerAuthenticator;
import io.gatehouse.server.auth.ClientRegistry;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.auth.MfaRoutes;
import io.gatehouse.server.auth.MonitorAccess;
import io.gatehouse.server.auth.OAuthRoutes;
import io.gatehouse.server.auth.OAuthService;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.auth.SecondFactorSettings;
import io.gatehouse.server.auth.SessionLiveness;
import io.gatehouse.server.auth.StepUp;
import io.gatehouse.server.auth.TokenVerificationMetrics;
import io.gatehouse.server.console.Console;
import io.gatehouse.server.health.HealthRoutes;
import io.gatehouse.server.health.HealthService;
import io.gatehouse.server.http.HttpServer;
import io.gatehouse.server.http.HttpSettings;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.mail.MailSettings;
import io.gatehouse.server.mail.MailTemplates;
import io.gatehouse.server.mail.Mailer;
import io.gatehouse.server.metrics.CapabilityMetrics;
import io.gatehouse.server.metrics.ServerMetrics;
import io.gatehouse.server.recovery.AccountMail;
import io.gatehouse.server.recovery.LoginAlerts;
import io.gatehouse.server.recovery.RecoveryRoutes;
import io.gatehouse.server.recovery.RecoverySettings;
import io.gatehouse.session.ScheduledCleanup;
import io.gatehouse.user.UserDatabase;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
import java.time.Clock;
import java.time.Duration;
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
    private final Gatehouse gatehouse;

    private GatehouseServer(
            List<AutoCloseable> resources, HttpServer http, ServerMetrics metrics, Gatehouse gatehouse) {
        this.resources = resources;
        this.http = http;
        this.metrics = metrics;
        this.gatehouse = gatehouse;
    }

    /**
     * Opens everything {@code config} describes and starts listening.
     *
     * @throws io.gatehouse.config.ConfigException one paragraph naming the setting at fault; nothing stays open
     */
    public static GatehouseServer start(GatehouseConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * As {@link #start(GatehouseConfig)}, every capability reading {@code clock} (tests move it instead of waiting).
     *
     * @throws io.gatehouse.config.ConfigException one paragraph naming the setting at fault; nothing stays open
     */
    public static GatehouseServer start(GatehouseConfig config, Clock clock) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            config = AuthSettings.withServerDefaults(config);
            StartupChecks.check(config);
            HttpSettings settings = HttpSettings.fromConfig(config);
            AuthSettings authSettings = AuthSettings.from(config);
            // Before anything writes there (key file, event spool, H2): the directory is the owner's alone.
            opened.add(DataDirectory.createPrivate(config.dataDir()));
            ServerMetrics metrics = new ServerMetrics();
            opened.add(metrics);
            CapabilityMetrics capabilityMetrics = new CapabilityMetrics(metrics.registry());
            // Mail: settings and templates checked before anything starts (a bad one names its setting).
            MailSettings mailSettings = MailSettings.fromConfig(config);
            MailTemplates templates = MailTemplates.load(mailSettings.templates());
            RecoverySettings recovery = RecoverySettings.fromConfig(config, authSettings.publicUrl());
            // Hears every new session (any login route); bound to the user database and the mail below.
            LoginAlerts loginAlerts = new LoginAlerts();
            // Session liveness remembered between requests (introspection and refresh skip the store read);
            // it hears which sessions end, so it forgets them at once.
            SessionLiveness.Memory remembered = SessionLiveness.Memory.fromConfig(config, clock);
            Gatehouse gatehouse = Gatehouse.builder()
                    .config(config)
                    .clock(clock)
                    .redisListener(metrics.redis())
                    .tokenListener(capabilityMetrics)
                    .sessionListener(capabilityMetrics)
                    .sessionListener(loginAlerts)
                    .sessionListener(remembered)
                    .rateLimitListener(capabilityMetrics)
                    .build();
            opened.add(gatehouse);
            DataDirectory.restrictFiles(config.dataDir());
            metrics.redis().bindCircuits(gatehouse.stores());
            capabilityMetrics.bind(gatehouse.events());
            capabilityMetrics.bind(gatehouse.tokens());
            capabilityMetrics.bind(gatehouse.sessions());
            // Expired sessions removed every gatehouse.sessions.cleanup-interval by one instance of the deployment.
            for (Duration every : ScheduledCleanup.interval(config).stream().toList()) {
                ScheduledCleanup cleanup =
                        new ScheduledCleanup(gatehouse.sessions(), gatehouse.stores(), every).start();
                opened.add(cleanup);
                capabilityMetrics.bind(cleanup);
            }
            metrics.bind(gatehouse.caches());
            Stores stores = gatehouse.stores();
            io.gatehouse.server.backup.BackupJob.start(config, stores, metrics.registry())
                    .ifPresent(opened::add);
            UserDatabase database = gatehouse.userDatabase().orElseThrow();
            UserService users = gatehouse.users();
            RatePolicies policies = gatehouse.policies();
            // Authentication of protected routes (Bearer), of OAuth clients (Basic) and the admin check.
            TokenVerificationMetrics verifications = new TokenVerificationMetrics(metrics.registry());
            SessionLiveness liveness = new SessionLiveness(gatehouse.sessions(), clock, remembered);
            BearerAuthenticator bearer = new BearerAuthenticator(
                    gatehouse.tokens(),
                    liveness,
                    verifications,
                    new ApiLimits(gatehouse.rateLimiter(), policies, clock));
            // Failed client authentications count like failed logins (per client id and address).
            ClientRegistry clients = ClientRegistry.fromConfig(config, clock).guarded(gatehouse.loginGuard());
            // Health details and metrics: a client with scope monitor, unless configured public.
            MonitorAccess monitor = MonitorAccess.fromConfig(config, clients);
            // The admin API's check (role admin, or a client with scope admin).
            // Sensitive actions need an authentication within gatehouse.auth.recent-auth (RFC 9470 step-up).
            StepUp stepUp = StepUp.fromConfig(config, clock);
            AdminAccess admin = new AdminAccess(bearer, clients, stepUp);
            // The flows behind the auth routes.
            UserProfiles profiles = gatehouse.profiles();
            AccountService accounts = new AccountService(gatehouse, clock);
            HealthService health = new HealthService(stores, database, gatehouse);
            // On Redis the per-client introspection ceiling is taken in batches (one round trip per batch);
            // in memory a decision costs no I/O, so one by one.
            long introspectBatch =
                    stores.target(Purpose.RATE_LIMITS).isPresent() ? AuthSettings.introspectBatch(config) : 1;
            // refresh-ip is taken in batches the same way.
            LoginService logins = new LoginService(
                    users,
                    profiles,
                    gatehouse.tokens(),
                    stores.target(Purpose.TOKENS).isPresent(),
                    gatehouse.sessions(),
                    gatehouse.secondFactors(),
                    gatehouse.rateLimiter(),
                    policies,
                    gatehouse.loginGuard(),
                    gatehouse.events(),
                    liveness,
                    verifications,
                    clock,
                    introspectBatch);
            OAuthService oauth = new OAuthService(
                    gatehouse.tokens(),
                    gatehouse.sessions(),
                    gatehouse.rateLimiter(),
                    policies.policy(AuthSettings.INTROSPECT_CLIENT),
                    clock,
                    liveness,
                    verifications,
                    authSettings.audience(),
                    introspectBatch);
            // Mail in the background (SMTP, or the outbox under the data directory), and the account mail over it.
            Mailer mailer = Mailer.start(mailSettings, clock, metrics.registry());
            opened.add(mailer);
            EmailTokens emailTokens =
                    EmailTokens.builder().stores(stores).clock(clock).build();
            AccountMail accountMail = new AccountMail(users, emailTokens, mailer, templates, recovery);
            opened.add(accountMail);
            loginAlerts.bind(
                    LoginOrigins.builder()
                            .stores(stores)
                            .clock(clock)
                            .capacity(recovery.remembered())
                            .memory(recovery.memory())
                            .build(),
                    users,
                    gatehouse.events(),
                    accountMail,
                    recovery);
            RegistrationService registration = new RegistrationService(
                    users,
                    gatehouse.rateLimiter(),
                    policies.policy(AuthSettings.REGISTER_IP),
                    gatehouse.events(),
                    clock,
                    accountMail);
            SecondFactorSettings secondFactorSettings =
                    new SecondFactorSettings(gatehouse.secondFactors(), users, profiles, gatehouse.events());
            List<io.gatehouse.server.http.RouteGroup> groups = new ArrayList<>(List.of(
                    new AuthRoutes(registration, logins, accounts, bearer, settings.maxBodyBytes()),
                    new AccountRoutes(accounts, profiles, bearer, stepUp, settings.maxBodyBytes()),
                    new MfaRoutes(secondFactorSettings, profiles, bearer, stepUp, settings.maxBodyBytes()),
                    new RecoveryRoutes(
                            gatehouse.users(),
                            gatehouse.accounts(),
                            gatehouse.rateLimiter(),
                            gatehouse.policies(),
                            gatehouse.clock(),
                            emailTokens,
                            accountMail,
                            settings.maxBodyBytes()),
                    new OAuthRoutes(logins, oauth, clients, gatehouse.tokens(), authSettings, settings.maxBodyBytes()),
                    new HealthRoutes(health, monitor::protect),
                    new AdminRoutes(
                            gatehouse.accounts(),
                            users,
                            gatehouse.sessions(),
                            gatehouse.tokens(),
                            policies,
                            gatehouse.rateLimiter(),
                            gatehouse.events(),
                            clock,
                            admin,
                            settings.maxBodyBytes()),
                    metrics.routes(monitor::protect),
                    new OpenApiRoute()));
            // The web console (docs/CONSOLE.md): pages at /account/ and /admin/ over the same services.
            if (Console.enabled(config)) {
                groups.addAll(Console.routes(
                        gatehouse,
                        logins,
                        registration,
                        liveness,
                        secondFactorSettings,
                        stepUp,
                        health,
                        authSettings.publicUrl(),
                        settings.maxBodyBytes()));
            }
            HttpServer http = HttpServer.start(settings, metrics, groups);
            opened.add(http);
            log.info(
                    "Gatehouse listening on http://{}:{}",
                    settings.host(),
                    http.port(),
                    kv("port", http.port()),
                    kv("user_database", database.url()),
                    kv("issuer", authSettings.issuer()),
                    kv("oauth_clients", clients.toString()));
            return new GatehouseServer(List.copyOf(opened), http, metrics, gatehouse);
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
    public Gatehouse gatehouse() {
        return gatehouse;
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
                log.warn(
                        "error while closing {}: {}",
                        resources.get(i).getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
