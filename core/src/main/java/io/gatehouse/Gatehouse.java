package io.gatehouse;

import io.gatehouse.account.Accounts;
import io.gatehouse.backend.Stores;
import io.gatehouse.cache.Caches;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.session.SessionListener;
import io.gatehouse.session.SessionStore;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.token.TokenEventListener;
import io.gatehouse.token.TokenService;
import io.gatehouse.user.Argon2Parameters;
import io.gatehouse.user.HashingGate;
import io.gatehouse.user.PasswordHasher;
import io.gatehouse.user.PasswordPolicy;
import io.gatehouse.user.UserDatabase;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of Gatehouse, opened from one configuration and wired correctly: the one entry point of the library.
 *
 * <pre>{@code
 * try (Gatehouse gh = Gatehouse.open(GatehouseConfig.fromEnvironment())) {
 *     User ann = gh.users().register(new Registration("ann@example.com", "correct horse battery", Optional.empty()));
 *     CreatedSession s = gh.sessions().create(NewSession.forUser(ann.id()).build());  // s.id(): for the cookie
 *     TokenPair pair = gh.tokens().issue(TokenRequest.of(ann.id(), s.handle()));      // sid = the public handle
 *     gh.tokens().verify(pair.accessToken());                                // valid
 *     gh.accounts().logout(ann.id(), s.handle(), Actor.self(ann.id(), s.handle()));   // ends the session
 *     gh.tokens().verify(pair.accessToken());                                // TokenRejectedException
 * }
 * }</pre>
 *
 * <p>What "wired correctly" means, and why it is here rather than left to each caller:
 * <ul>
 *   <li>an ended session revokes its access and refresh tokens (a session store built without that
 *       listener ends sessions whose tokens keep working);</li>
 *   <li>what tokens, sessions and rate limits report (revocations, reuse detections, session starts and
 *       ends, device trust, lockouts) becomes security events, in one place;</li>
 *   <li>every capability and the user database read the same configuration and the same clock;</li>
 *   <li>the account actions ({@link #accounts()}) change users, sessions, tokens and cached profiles
 *       together, so the API, the admin routes and the CLI behave the same.</li>
 * </ul>
 * Extra listeners (metrics, for example) are added with the {@link Builder}. {@link #close()} shuts
 * everything down in reverse order, the event log last so it can store what the others reported.
 */
public final class Gatehouse implements AutoCloseable {
    /** How long a user profile cached at login is served without reading the database. */
    public static final String PROFILE_TTL = "gatehouse.server.profile-cache-ttl";
    /** Whether users must verify their address before they can log in (default false). */
    public static final String REQUIRE_VERIFIED_EMAIL = "gatehouse.users.require-verified-email";

    private static final Logger log = LoggerFactory.getLogger(Gatehouse.class);

    private final GatehouseConfig config;
    private final Clock clock;
    private final Stores stores;
    private final SecurityEvents events;
    private final TokenService tokens;
    private final SessionStore sessions;
    private final RatePolicies policies;
    private final RateLimiter rateLimiter;
    private final LoginGuard loginGuard;
    private final Caches caches;
    private final UserDatabase database;
    private final UserService users;
    private final UserProfiles profiles;
    private final Accounts accounts;
    private final List<AutoCloseable> closeables;

    private Gatehouse(
            Builder b,
            List<AutoCloseable> opened,
            Stores stores,
            SecurityEvents events,
            TokenService tokens,
            SessionStore sessions,
            RatePolicies policies,
            RateLimiter rateLimiter,
            LoginGuard loginGuard,
            Caches caches,
            UserDatabase database,
            UserService users,
            UserProfiles profiles) {
        this.config = stores.config();
        this.clock = b.clock;
        this.stores = stores;
        this.events = events;
        this.tokens = tokens;
        this.sessions = sessions;
        this.policies = policies;
        this.rateLimiter = rateLimiter;
        this.loginGuard = loginGuard;
        this.caches = caches;
        this.database = database;
        this.users = users;
        this.profiles = profiles;
        this.accounts = new Accounts(tokens, sessions, Optional.ofNullable(users), profiles, loginGuard, events, clock);
        this.closeables = List.copyOf(opened);
    }

    /**
     * Opens every capability {@code config} describes, with the system clock and no extra listeners.
     *
     * @throws io.gatehouse.config.ConfigException one paragraph naming the setting at fault; nothing stays open
     */
    public static Gatehouse open(GatehouseConfig config) {
        return builder().config(config).build();
    }

    /** A builder, for a clock, extra listeners or stores opened by the caller. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration everything was opened from. */
    public GatehouseConfig config() {
        return config;
    }

    /** The clock every capability uses. */
    public Clock clock() {
        return clock;
    }

    /** The Redis deployments (or the in-memory store) of each purpose. */
    public Stores stores() {
        return stores;
    }

    /** The security-event log. */
    public SecurityEvents events() {
        return events;
    }

    /** Token issue, verification, revocation and refresh rotation. */
    public TokenService tokens() {
        return tokens;
    }

    /** Sessions and devices; ended sessions revoke their tokens. */
    public SessionStore sessions() {
        return sessions;
    }

    /** The named rate-limit policies of {@code gatehouse.ratelimit.*}. */
    public RatePolicies policies() {
        return policies;
    }

    /** Rate-limit decisions for the {@link #policies()}. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** Login brute-force protection (lockouts per account and per address). */
    public LoginGuard loginGuard() {
        return loginGuard;
    }

    /** The typed caches ({@code gatehouse.cache.*}). */
    public Caches caches() {
        return caches;
    }

    /**
     * The user rules over the user database.
     *
     * @throws IllegalStateException when opened {@linkplain Builder#withoutUsers() without the user database}
     */
    public UserService users() {
        if (users == null) {
            throw new IllegalStateException("this Gatehouse was opened without the user database");
        }
        return users;
    }

    /** The user database (its URL and pool), when opened with one. */
    public Optional<UserDatabase> userDatabase() {
        return Optional.ofNullable(database);
    }

    /** User profiles cached at login; the account actions drop them whenever a user changes. */
    public UserProfiles profiles() {
        if (profiles == null) {
            throw new IllegalStateException("this Gatehouse was opened without the user database");
        }
        return profiles;
    }

    /** The account actions: one implementation for the API, the admin routes and the CLI. */
    public Accounts accounts() {
        return accounts;
    }

    /** Closes every capability in reverse order of opening; the event log and the stores last. */
    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> list) {
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                list.get(i).close();
            } catch (Exception e) {
                log.warn("error while closing {}: {}", list.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * Assembles a {@link Gatehouse}. Setters may be called in any order; {@link #build()} validates.
     * Exactly one of {@link #config} and {@link #stores} is required.
     */
    public static final class Builder {
        private GatehouseConfig config;
        private Stores stores;
        private Clock clock = Clock.systemUTC();
        private RedisCommandListener redisListener;
        private final List<TokenEventListener> tokenListeners = new ArrayList<>();
        private final List<SessionListener> sessionListeners = new ArrayList<>();
        private final List<RateLimitListener> rateLimitListeners = new ArrayList<>();
        private boolean withUsers = true;

        private Builder() {}

        /** The configuration to open the stores from (closed with the Gatehouse). */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Stores opened by the caller, who keeps them (they are not closed with the Gatehouse). */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** The clock of every capability (tests move it by hand). Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Hears every Redis command's latency (metrics); only used when the stores are opened here. */
        public Builder redisListener(RedisCommandListener listener) {
            this.redisListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Also hears revocations, reuse detections, key rotations and revocation-link changes. */
        public Builder tokenListener(TokenEventListener listener) {
            tokenListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Also hears sessions starting, being touched and ending, and devices gaining or losing trust. */
        public Builder sessionListener(SessionListener listener) {
            sessionListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Also hears rate-limit refusals and lockouts. */
        public Builder rateLimitListener(RateLimitListener listener) {
            rateLimitListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Opens no user database: for applications that keep their own users (a resource server, a Spring
         * application). {@link Gatehouse#users()} then throws, and account actions that change a user
         * (suspend, roles, password) are refused.
         */
        public Builder withoutUsers() {
            this.withUsers = false;
            return this;
        }

        /**
         * Opens everything, in order: stores, event log, tokens, sessions, rate limits, lockouts, caches,
         * user database.
         *
         * @throws io.gatehouse.config.ConfigException for a bad setting; whatever was started is closed again
         * @throws IllegalStateException when neither or both of config and stores were given
         */
        public Gatehouse build() {
            if ((config == null) == (stores == null)) {
                throw new IllegalStateException("Gatehouse.builder() needs exactly one of config(...) and stores(...)");
            }
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                Stores s = stores;
                if (s == null) {
                    s = redisListener == null ? Stores.open(config) : Stores.open(config, redisListener);
                    opened.add(s);
                }
                GatehouseConfig c = s.config();
                SecurityEvents events =
                        SecurityEvents.builder().stores(s).clock(clock).build();
                opened.add(events);
                EventBridge bridge = new EventBridge(events);

                List<TokenEventListener> tl = new ArrayList<>(List.of(bridge));
                tl.addAll(tokenListeners);
                TokenService tokens = TokenService.builder()
                        .stores(s)
                        .clock(clock)
                        .listener(Listeners.tokens(tl.toArray(TokenEventListener[]::new)))
                        .build();
                opened.add(tokens);

                SessionStore.Builder sb = SessionStore.builder()
                        .stores(s)
                        .clock(clock)
                        .listener(SessionTokenRevocation.of(tokens, c, clock))
                        .listener(bridge);
                sessionListeners.forEach(sb::listener);
                SessionStore sessions = sb.build();

                List<RateLimitListener> rl = new ArrayList<>(List.of(bridge));
                rl.addAll(rateLimitListeners);
                RateLimitListener rateLimitListener = Listeners.rateLimits(rl.toArray(RateLimitListener[]::new));
                RatePolicies policies = RatePolicies.fromConfig(c);
                RateLimiter limiter = RateLimiter.builder()
                        .stores(s)
                        .clock(clock)
                        .listener(rateLimitListener)
                        .build();
                opened.add(limiter);
                LoginGuard guard = LoginGuard.builder()
                        .stores(s)
                        .clock(clock)
                        .listener(rateLimitListener)
                        .build();

                Caches caches = Caches.builder().stores(s).clock(clock).build();
                opened.add(caches);

                UserDatabase database = null;
                UserService users = null;
                UserProfiles profiles = null;
                if (withUsers) {
                    database = UserDatabase.open(c);
                    opened.add(database);
                    users = UserService.builder()
                            .store(database.store())
                            // One bound on concurrent Argon2id work, whatever calls it (HashingGate).
                            .hasher(HashingGate.fromConfig(c, PasswordHasher.argon2(Argon2Parameters.fromConfig(c))))
                            .policy(PasswordPolicy.fromConfig(c))
                            .clock(clock)
                            .requireVerifiedEmail(c.flag(REQUIRE_VERIFIED_EMAIL, false))
                            .build();
                    profiles = new UserProfiles(caches, users, c.duration(PROFILE_TTL, Duration.ofMinutes(10)));
                }
                return new Gatehouse(
                        this, opened, s, events, tokens, sessions, policies, limiter, guard, caches, database, users,
                        profiles);
            } catch (RuntimeException e) {
                closeAll(opened);
                throw e;
            }
        }
    }
}
