package io.gatehouse.ratelimit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a rate-limit decision or a lockout means for an HTTP answer, as plain data: a status, the
 * rate-limit header fields, and for refusals a {@link Refusal} (title, detail, policy, retry-after) that
 * the adapter renders in its own error format (the server as an RFC 9457 problem, a Spring application
 * through its own handler). No HTTP library and no JSON here.
 *
 * <p>Headers, for allowed and refused requests alike:
 * <ul>
 *   <li>{@code RateLimit-Policy} and {@code RateLimit}, structured fields as in
 *       draft-ietf-httpapi-ratelimit-headers-09: {@code "login-ip";q=10;w=60} and
 *       {@code "login-ip";r=3;t=12} (one list member per policy; {@code r} = remaining units,
 *       {@code t} = seconds until the full quota is back);</li>
 *   <li>the legacy {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 *       {@code X-RateLimit-Reset} (Unix time in seconds, as GitHub sends it) of the tightest policy;</li>
 *   <li>on refusal, {@code Retry-After} in whole seconds, rounded up (never earlier than allowed).</li>
 * </ul>
 * The subject (IP, account) never appears in headers or body.
 *
 * @param status  200 when allowed, 429 when refused (403 for a permanent lockout)
 * @param headers header name to value, in a stable order
 * @param refusal what to tell the client when refused (empty when allowed)
 */
public record RateLimitResponse(int status, Map<String, String> headers, Optional<Refusal> refusal) {

    public RateLimitResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /**
     * Why a request was refused, for the client.
     *
     * @param title             a short title ({@code Too Many Requests}, {@code Forbidden})
     * @param detail            one sentence for the client; never names the subject (IP, account)
     * @param policy            the policy that refused, for rate limits (empty for lockouts)
     * @param retryAfterSeconds when to retry (0 for a permanent lockout)
     * @param lockout           whether a login lockout refused (rather than a rate-limit policy)
     */
    public record Refusal(
            String title, String detail, Optional<String> policy, long retryAfterSeconds, boolean lockout) {}

    /** The answer for one policy's decision; {@code now} dates {@code X-RateLimit-Reset}. */
    public static RateLimitResponse of(RatePolicy policy, Decision decision, Instant now) {
        return of(List.of(policy), List.of(decision), decision.allowed(), now);
    }

    /**
     * The answer for several limits decided together. {@code policies} holds the policy of each
     * decision by name (extra ones are ignored).
     */
    public static RateLimitResponse of(List<RatePolicy> policies, MultiDecision decision, Instant now) {
        return of(policies, decision.decisions(), decision.allowed(), now);
    }

    private static RateLimitResponse of(
            List<RatePolicy> policies, List<Decision> decisions, boolean allowed, Instant now) {
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("no decision to describe");
        }
        StringBuilder policy = new StringBuilder();
        StringBuilder state = new StringBuilder();
        for (Decision d : decisions) {
            RatePolicy p = policies.stream()
                    .filter(x -> x.name().equals(d.policy()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no policy given for decision of " + d.policy()));
            if (policy.length() > 0) {
                policy.append(", ");
                state.append(", ");
            }
            policy.append(sfString(p.name()))
                    .append(";q=")
                    .append(p.limit().count())
                    .append(";w=")
                    .append(p.limit().windowSeconds());
            state.append(sfString(p.name()))
                    .append(";r=")
                    .append(d.remaining())
                    .append(";t=")
                    .append(d.resetAfterSeconds());
        }
        Decision tight = refusalOrTightest(decisions);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("RateLimit-Policy", policy.toString());
        h.put("RateLimit", state.toString());
        h.put("X-RateLimit-Limit", Long.toString(tight.limit()));
        h.put("X-RateLimit-Remaining", Long.toString(allowed ? tight.remaining() : 0));
        h.put(
                "X-RateLimit-Reset",
                Long.toString(now.getEpochSecond()
                        + (allowed ? tight.resetAfterSeconds() : Math.max(tight.retryAfterSeconds(), 1))));
        if (allowed) {
            return new RateLimitResponse(200, h, Optional.empty());
        }
        long retry = Math.max(1, tight.retryAfterSeconds());
        h.put("Retry-After", Long.toString(retry));
        return new RateLimitResponse(
                429,
                h,
                Optional.of(new Refusal(
                        "Too Many Requests",
                        "Rate limit " + tight.policy() + " exceeded; retry in " + retry + " s.",
                        Optional.of(tight.policy()),
                        retry,
                        false)));
    }

    /**
     * The answer to a login refused by the {@link LoginGuard}. It is the same for every account, existing
     * or not, and does not say which counter locked: 429 with {@code Retry-After} for a temporary lockout,
     * 403 for a permanent one.
     */
    public static RateLimitResponse lockedOut(LockoutStatus status) {
        if (!status.locked()) {
            throw new IllegalArgumentException("the status is not locked");
        }
        Map<String, String> h = new LinkedHashMap<>();
        if (status.permanent()) {
            return new RateLimitResponse(
                    403,
                    h,
                    Optional.of(new Refusal(
                            "Forbidden",
                            "Too many failed login attempts. Contact support to restore access.",
                            Optional.empty(),
                            0,
                            true)));
        }
        long retry = Math.max(1, status.retryAfterSeconds());
        h.put("Retry-After", Long.toString(retry));
        return new RateLimitResponse(
                429,
                h,
                Optional.of(new Refusal(
                        "Too Many Requests",
                        "Too many failed login attempts; retry in " + retry + " s.",
                        Optional.empty(),
                        retry,
                        true)));
    }

    private static Decision refusalOrTightest(List<Decision> decisions) {
        return new MultiDecision(decisions.stream().allMatch(Decision::allowed), decisions).tightest();
    }

    /** An RFC 8941 sf-string: printable ASCII with {@code "} and {@code \} escaped. */
    static String sfString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("a structured-field string holds printable ASCII only");
            }
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
