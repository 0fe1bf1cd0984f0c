package io.gatehouse.spring.ratelimit;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.spring.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Decides {@link RateLimited} handlers with the Gatehouse {@link RateLimiter} (one Redis script per request,
 * refused keys answered from memory until their retry-after) and writes the same headers as the server,
 * built by the core's {@link RateLimitResponse}, on allowed and refused requests alike; a refusal is the
 * server's problem body ({@code urn:gatehouse:problem:rate-limited} with {@code policy} and {@code retry_after}).
 */
public final class RateLimitInterceptor implements HandlerInterceptor {
    private final RateLimiter limiter;
    private final RatePolicies policies;
    private final Clock clock;

    public RateLimitInterceptor(RateLimiter limiter, RatePolicies policies, Clock clock) {
        this.limiter = limiter;
        this.policies = policies;
        this.clock = clock;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        RateLimited limit = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RateLimited.class);
        if (limit == null) {
            limit = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RateLimited.class);
        }
        if (limit == null) {
            return true;
        }
        RatePolicy policy = policies.policy(limit.policy());
        Decision decision = limiter.decide(policy, subject(request, limit.subject()), limit.cost());
        RateLimitResponse answer = RateLimitResponse.of(policy, decision, clock.instant());
        answer.headers().forEach(response::setHeader);
        if (decision.allowed()) {
            return true;
        }
        RateLimitResponse.Refusal refusal = answer.refusal().orElseThrow();
        Map<String, Object> extensions = new LinkedHashMap<>();
        refusal.policy().ifPresent(p -> extensions.put("policy", p));
        extensions.put("retry_after", refusal.retryAfterSeconds());
        Problems.write(response, answer.status(), "rate-limited", refusal.title(), refusal.detail(), extensions);
        return false;
    }

    private static String subject(HttpServletRequest request, RateLimited.Subject subject) {
        Principal user = request.getUserPrincipal();
        if (subject == RateLimited.Subject.USER_OR_IP && user != null) {
            return "user:" + user.getName();
        }
        return "ip:" + request.getRemoteAddr();
    }
}
