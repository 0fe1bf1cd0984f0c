package io.gatehouse.server;

import io.gatehouse.cache.Caches;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.server.audit.SecurityEventBridge;
import io.gatehouse.server.metrics.CapabilityMetrics;
import io.gatehouse.session.SessionStore;
import io.gatehouse.session.SessionTokenRevocation;
import io.gatehouse.store.Stores;
import io.gatehouse.token.TokenService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core capabilities one server runs, each on the store its purpose is configured for (Redis, or in
 * memory when none is), wired to each other: ended sessions revoke their tokens, and tokens, sessions and
 * rate limits report into the security event log. Routes receive the services they need from here.
 */
public final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private final Stores stores;
    private final Clock clock;
    private final SecurityEvents events;
    private final TokenService tokens;
    private final SessionStore sessions;
    private final RatePolicies policies;
    private final RateLimiter limiter;
    private final LoginGuard loginGuard;
    private final Caches caches;
    private final List<AutoCloseable> closeables;

    private Services(Stores stores, Clock clock, SecurityEvents events, TokenService tokens, SessionStore sessions,
                     RatePolicies policies, RateLimiter limiter, LoginGuard loginGuard, Caches caches,
                     List<AutoCloseable> closeables) {
        this.stores = stores;
        this.clock = clock;
        this.events = events;
        this.tokens = tokens;
        this.sessions = sessions;
        this.policies = policies;
        this.limiter = limiter;
        this.loginGuard = loginGuard;
        this.caches = caches;
        this.closeables = closeables;
    }

    /**
     * Builds every capability over {@code stores} (which stay owned by the caller).
     *
     * @throws io.gatehouse.config.ConfigException for a bad setting; whatever was started is closed again
     */
    public static Services open(Stores stores, Clock clock) {
        return open(stores, clock, new SimpleMeterRegistry());
    }

    /**
     * Builds every capability over {@code stores}, with their meters in {@code registry}: the
     * capabilities' listeners feed both the security event log and {@link CapabilityMetrics}, the rate
     * limiter counts its decisions and the session store its touches.
     */
    public static Services open(Stores stores, Clock clock, MeterRegistry registry) {
        GatehouseConfig config = stores.config();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            SecurityEvents events = SecurityEvents.builder().stores(stores).clock(clock).build();
            opened.add(events);
            SecurityEventBridge bridge = new SecurityEventBridge(events);
            CapabilityMetrics metrics = new CapabilityMetrics(registry);
            metrics.bind(events);
            TokenService tokens = TokenService.builder().stores(stores).clock(clock)
                    .listener(Listeners.tokens(bridge, metrics)).build();
            opened.add(tokens);
            metrics.bind(tokens);
            SessionStore sessions = metrics.track(SessionStore.builder().stores(stores).clock(clock)
                    .listener(SessionTokenRevocation.of(tokens, config, clock)).listener(bridge).listener(metrics)
                    .build());
            RatePolicies policies = RatePolicies.fromConfig(config);
            RateLimitListener rateLimitListener = Listeners.rateLimits(bridge, metrics);
            RateLimiter limiter = metrics.meter(RateLimiter.builder().stores(stores).clock(clock)
                    .listener(rateLimitListener).build());
            opened.add(limiter);
            LoginGuard guard = LoginGuard.builder().stores(stores).clock(clock).listener(rateLimitListener).build();
            Caches.Builder cb = Caches.builder().config(config).clock(clock);
            stores.redis(io.gatehouse.config.Purpose.CACHE).ifPresent(cb::redis);
            Caches caches = cb.build();
            opened.add(caches);
            return new Services(stores, clock, events, tokens, sessions, policies, limiter, guard, caches,
                    List.copyOf(opened));
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    public Stores stores() {
        return stores;
    }

    public Clock clock() {
        return clock;
    }

    public SecurityEvents events() {
        return events;
    }

    public TokenService tokens() {
        return tokens;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** The named rate-limit policies of {@code gatehouse.ratelimit.*}. */
    public RatePolicies policies() {
        return policies;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public LoginGuard loginGuard() {
        return loginGuard;
    }

    public Caches caches() {
        return caches;
    }

    /** Closes the capabilities in reverse order; the event log last, so it can store what they reported. */
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
}
