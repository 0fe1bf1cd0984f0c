package io.gatehouse.server.auth;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.user.EmailAddress;
import io.gatehouse.user.EmailTakenException;
import io.gatehouse.user.Registration;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import io.gatehouse.user.UserStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Registration: the {@code register-ip} limit, then the user rules, then the {@code register} event and the
 * {@link RegistrationMail} (the verification link).
 *
 * <p>With {@code gatehouse.users.require-verified-email} on, a taken address answers exactly like a new one (201
 * with a user of a fresh id, which nobody can log in as) and its owner is mailed instead: the answer does not tell
 * which addresses have accounts. The time is the same as well: both paths hash the password and write to the user
 * database (the insert fails on the unique index), and both hand one message to the background.
 */
public final class RegistrationService {
    /** What registration mails, in the background: the verification link, or "someone tried your address". */
    public interface RegistrationMail {
        /** Mails nothing. */
        RegistrationMail NONE = new RegistrationMail() {
            @Override
            public void registered(User user, ClientInfo client) {}

            @Override
            public void addressTaken(String email, ClientInfo client) {}
        };

        /** A new user registered: mail the verification link. Must return at once. */
        void registered(User user, ClientInfo client);

        /** Someone tried to register with {@code email}, which has an account. Must return at once. */
        void addressTaken(String email, ClientInfo client);
    }

    private final UserService users;
    private final RateLimiter limiter;
    private final RatePolicy perIp;
    private final SecurityEvents events;
    private final Clock clock;
    private final RegistrationMail mail;

    /** @param perIp the {@value AuthSettings#REGISTER_IP} policy */
    public RegistrationService(
            UserService users, RateLimiter limiter, RatePolicy perIp, SecurityEvents events, Clock clock) {
        this(users, limiter, perIp, events, clock, RegistrationMail.NONE);
    }

    /** @param mail what is mailed after a registration, or after an attempt with a taken address */
    public RegistrationService(
            UserService users,
            RateLimiter limiter,
            RatePolicy perIp,
            SecurityEvents events,
            Clock clock,
            RegistrationMail mail) {
        this.mail = mail;
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
        User user;
        try {
            user = users.register(registration);
        } catch (EmailTakenException e) {
            if (!users.requiresVerifiedEmail()) {
                throw e;
            }
            // Valid input (register checked it before the insert failed), so canonical() cannot throw here.
            String email = EmailAddress.canonical(registration.email());
            mail.addressTaken(email, client);
            return new Registered(lookalike(email, registration), limits.headers());
        }
        SecurityEvent.Builder e =
                SecurityEvent.builder(EventType.REGISTER).user(user.id()).ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        events.record(e);
        mail.registered(user, client);
        return new Registered(user, limits.headers());
    }

    /** What a new user with these fields would look like: the answer to a registration with a taken address. */
    private User lookalike(String email, Registration registration) {
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return new User(
                UUID.randomUUID().toString(),
                email,
                registration.fullName().map(String::strip).filter(n -> !n.isEmpty()),
                UserStatus.ACTIVE,
                Set.of(UserService.DEFAULT_ROLE),
                now,
                now);
    }
}
