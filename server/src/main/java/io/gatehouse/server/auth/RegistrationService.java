package io.gatehouse.server.auth;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.server.Services;
import io.gatehouse.server.user.Registration;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.time.Clock;
import java.util.Map;

/** Registration: the {@code register-ip} limit, then the user rules, then the {@code register} event. */
public final class RegistrationService {
    private final UserService users;
    private final RateLimiter limiter;
    private final RatePolicy perIp;
    private final SecurityEvents events;
    private final Clock clock;

    public RegistrationService(Services services, UserService users) {
        this.users = users;
        this.limiter = services.limiter();
        this.perIp = services.policies().policy(AuthSettings.REGISTER_IP);
        this.events = services.events();
        this.clock = services.clock();
    }

    /**
     * A registered user and the rate-limit headers of the request.
     *
     * @param user             the new user
     * @param rateLimitHeaders the {@code RateLimit*} headers
     */
    public record Registered(User user, Map<String, String> rateLimitHeaders) {
    }

    /**
     * Registers a user.
     *
     * @throws AuthFailure {@code RATE_LIMITED}
     * @throws io.gatehouse.server.user.InvalidUserInputException invalid fields
     * @throws io.gatehouse.server.user.EmailTakenException       the email is taken
     */
    public Registered register(Registration registration, ClientInfo client) {
        Decision d = limiter.decide(perIp, client.limitKey());
        RateLimitResponse limits = RateLimitResponse.of(perIp, d, clock.instant());
        if (!d.allowed()) {
            throw AuthFailure.rateLimited(limits);
        }
        User user = users.register(registration);
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.REGISTER).user(user.id()).ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        events.record(e.build());
        return new Registered(user, limits.headers());
    }
}
