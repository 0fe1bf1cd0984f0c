package io.gatehouse.server.auth;

import io.gatehouse.token.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code gatehouse.token.verifications} (Prometheus: {@code gatehouse_token_verifications_total}), counted
 * by {@code outcome}: {@code ok}, one of the {@link RejectReason} codes ({@code expired},
 * {@code revoked_session}, ...), or {@code session_expired} for a good token whose session has since
 * expired (an expiry is not a revocation, so the token check alone cannot see it). Every counter is
 * registered up front so dashboards see zeros rather than missing series. Verifications happen on
 * protected routes, at introspection and at refresh.
 */
public final class TokenVerificationMetrics {
    static final String NAME = "gatehouse.token.verifications";
    /** The outcome of a good token whose session no longer exists. */
    static final String SESSION_EXPIRED = "session_expired";

    private final Counter ok;
    private final Counter sessionExpired;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    public TokenVerificationMetrics(MeterRegistry registry) {
        this.ok = counter(registry, "ok");
        this.sessionExpired = counter(registry, SESSION_EXPIRED);
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, counter(registry, r.code()));
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(NAME)
                .description("Token verifications by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    void ok() {
        ok.increment();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void sessionExpired() {
        sessionExpired.increment();
    }
}
