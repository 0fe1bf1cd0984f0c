package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Check;
import io.gatehouse.ratelimit.MultiDecision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.ratelimit.RatePolicy;
import java.time.Clock;
import java.util.List;

/**
 * The ceilings on every authenticated route: {@code api-user} per user and {@code api-ip} per client address
 * (an IPv6 /64 as one), decided together in one round trip after the access token is verified, so only a
 * holder of a valid token spends a user's allowance. A refusal is 429 with {@code Retry-After}.
 */
public final class ApiLimits {
    private final RateLimiter limiter;
    private final RatePolicy perUser;
    private final RatePolicy perIp;
    private final Clock clock;

    public ApiLimits(RateLimiter limiter, RatePolicies policies, Clock clock) {
        this.limiter = limiter;
        this.perUser = policies.policy("api-user");
        this.perIp = policies.policy("api-ip");
        this.clock = clock;
    }

    /** @throws io.gatehouse.server.http.ProblemException 429 when either limit is spent */
    void check(String userId, ClientInfo client) {
        MultiDecision d = limiter.decideAll(Check.of(perUser, userId), Check.of(perIp, client.limitKey()));
        if (!d.allowed()) {
            throw AuthAnswers.rateLimited(RateLimitResponse.of(List.of(perUser, perIp), d, clock.instant()));
        }
    }
}
