package io.gatehouse;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.token.ReuseEvent;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.RevocationHealth;
import io.gatehouse.token.TokenEventListener;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans one notification out to several listeners, for the core builders that take a single listener
 * (tokens, rate limits). Each delegate is called in order and isolated: one that throws is logged and
 * the next still hears the event (the security event log must not miss what metrics choked on).
 */
final class Listeners {
    // Every callback of each listener interface is forwarded here: a new default method that is not
    // added below would silently reach nobody (ListenersTest checks them all by reflection).
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {}

    static TokenEventListener tokens(TokenEventListener... delegates) {
        List<TokenEventListener> all = List.of(delegates);
        return new TokenEventListener() {
            @Override
            public void revoked(List<Revocation> revocations) {
                each(all, l -> l.revoked(revocations));
            }

            @Override
            public void reuseDetected(ReuseEvent event) {
                each(all, l -> l.reuseDetected(event));
            }

            @Override
            public void keyRotated(String newKeyId, Instant at) {
                each(all, l -> l.keyRotated(newKeyId, at));
            }

            @Override
            public void revocationLinkChanged(RevocationHealth health) {
                each(all, l -> l.revocationLinkChanged(health));
            }
        };
    }

    static RateLimitListener rateLimits(RateLimitListener... delegates) {
        List<RateLimitListener> all = List.of(delegates);
        return new RateLimitListener() {
            @Override
            public void decided(Decision decision) {
                each(all, l -> l.decided(decision));
            }

            @Override
            public void exceeded(String subject, Decision decision) {
                each(all, l -> l.exceeded(subject, decision));
            }

            @Override
            public void lockedOut(String dimension, String ip, String account, LockoutStatus status) {
                each(all, l -> l.lockedOut(dimension, ip, account, status));
            }
        };
    }

    private static <L> void each(List<L> listeners, Consumer<L> call) {
        for (L l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
