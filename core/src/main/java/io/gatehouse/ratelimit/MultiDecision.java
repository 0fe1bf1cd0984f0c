package io.gatehouse.ratelimit;

import java.util.List;
import java.util.Optional;

/**
 * The answer for several limits of one request, decided together: allowed only if every limit allows
 * it, and a request refused by one limit consumes none of the others.
 *
 * @param allowed   whether every limit allowed the request
 * @param decisions one decision per check, in the order given; when a check was refused from the local
 *                  deny cache, only the refused checks (the others were not consulted)
 */
public record MultiDecision(boolean allowed, List<Decision> decisions) {
    public MultiDecision {
        decisions = List.copyOf(decisions);
    }

    /** The refusing decision that asks the caller to wait longest, if any refused. */
    public Optional<Decision> refusal() {
        return decisions.stream()
                .filter(d -> !d.allowed())
                .max((a, b) -> a.retryAfter().compareTo(b.retryAfter()));
    }

    /** The decision with the fewest units remaining: the one the legacy {@code X-RateLimit-*} headers describe. */
    public Decision tightest() {
        return refusal()
                .orElseGet(() -> decisions.stream()
                        .min((a, b) -> Long.compare(a.remaining(), b.remaining()))
                        .orElseThrow());
    }
}
