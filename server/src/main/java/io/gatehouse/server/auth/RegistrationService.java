package io.gatehouse.server.auth;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.user.Registration;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import java.time.Clock;
import java.util.Map;

/** Registration: the {@code register-ip} limit, then the user rules, then the {@code register} event. */
public final class RegistrationService {
    private final UserService users;
    private final RateLimiter limiter;
    private final RatePolicy perIp;
    private final SecurityEvents events;
    private final Clock clock;

    /** @param perIp the {@value AuthSettings#REGISTER_IP} policy */
    public RegistrationService(
            UserService users, RateLimiter limiter, RatePolicy perIp, SecurityEvents events, Clock clock) {
        this.users = users;
        this.limiter = limiter;
        this.perIp = perIp;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A registered user and the rate-limit headers of the request.
     *
     * @param user             the new user
     * @param rateLimitHeaders the {@code RateLimit*} headers
     */
    public record Registered(User user, Map<String, String> rateLimitHeaders) {}

    /**
     * Registers a user.
     *
     * @throws AuthFailure {@code RATE_LIMITED}
     * @throws io.gatehouse.user.InvalidUserInputException invalid fields
     * @throws io.gatehouse.user.EmailTakenException       the email is taken
     */
    public Registered register(Registration registration, ClientInfo client) {
        Decision d = limiter.decide(perIp, client.limitKey());
        RateLimitResponse limits = RateLimitResponse.of(perIp, d, clock.instant());
        if (!d.allowed()) {
            throw AuthFailure.rateLimited(limits);
        }
        User user = users.register(registration);
        SecurityEvent.Builder e =
                SecurityEvent.builder(EventType.REGISTER).user(user.id()).ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        events.record(e);
        return new Registered(user, limits.headers());
    }
}
