package io.gatehouse.spring.actuate;

import io.gatehouse.Gatehouse;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.TargetHealth;
import io.gatehouse.token.RevocationHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The actuator's {@code gatehouse} health: one indicator per Redis target ({@code redis-<n>}, named by the
 * purposes it serves) and one per capability ({@code revocation}, {@code rate-limits}). Degraded parts are
 * UP with {@code status: degraded} in their details (they still serve); unhealthy ones are DOWN. A
 * fail-closed revocation state past its budget is DOWN: the application answers 503 to bearer tokens then.
 */
public final class GatehouseHealth {
    private GatehouseHealth() {}

    public static CompositeHealthContributor of(Gatehouse gatehouse) {
        Map<String, HealthContributor> parts = new LinkedHashMap<>();
        int n = 0;
        for (TargetHealth t : gatehouse.stores().health().targets()) {
            final int index = n++;
            parts.put("redis-" + index, (HealthIndicator)
                    () -> target(gatehouse.stores().health().targets().get(index)));
        }
        parts.put("revocation", (HealthIndicator)
                () -> revocation(gatehouse.tokens().revocationHealth()));
        parts.put("rate-limits", (HealthIndicator)
                () -> status(gatehouse.rateLimiter().health()).build());
        return CompositeHealthContributor.fromMap(parts);
    }

    static Health target(TargetHealth t) {
        Health.Builder b = status(t.status())
                .withDetail("target", t.target())
                .withDetail("circuit", t.circuit())
                .withDetail("nodes", t.nodes());
        t.version().ifPresent(v -> b.withDetail("version", v));
        t.role().ifPresent(v -> b.withDetail("role", v));
        t.pingRoundTrip().ifPresent(d -> b.withDetail("ping_ms", d.toNanos() / 1e6));
        t.error().ifPresent(e -> b.withDetail("error", e));
        return b.build();
    }

    static Health revocation(RevocationHealth h) {
        Health.Builder b = status(h.status())
                .withDetail("age_ms", h.age().toMillis())
                .withDetail("budget_ms", h.budget().toMillis())
                .withDetail("policy", h.policy().name())
                .withDetail("resyncs", h.resyncs());
        h.error().ifPresent(e -> b.withDetail("error", e));
        return b.build();
    }

    private static Health.Builder status(HealthStatus s) {
        return (s == HealthStatus.UNHEALTHY ? Health.down() : Health.up())
                .withDetail("status", s.name().toLowerCase(java.util.Locale.ROOT));
    }
}
