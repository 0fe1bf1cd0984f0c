package io.gatehouse.token;

import io.gatehouse.store.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The state of the link that keeps this process's revocation state current.
 *
 * <ul>
 *   <li>{@code HEALTHY}: the link reads the revocation stream (or the state is in memory, single process);</li>
 *   <li>{@code DEGRADED}: the link is down but the state is within the staleness budget, or past it with
 *       the fail-open policy (tokens are accepted on a possibly stale state);</li>
 *   <li>{@code UNHEALTHY}: past the budget with fail-closed: tokens not known to be revoked are refused.</li>
 * </ul>
 *
 * @param status      as above
 * @param lastContact when the link last heard from Redis
 * @param age         how old the state may be now
 * @param budget      the staleness budget
 * @param policy      what applies past the budget
 * @param position    the last stream entry applied
 * @param resyncs     full resyncs done since start (the first load counts)
 * @param error       the last link error while it is down
 */
public record RevocationHealth(
        HealthStatus status,
        Instant lastContact,
        Duration age,
        Duration budget,
        StalePolicy policy,
        String position,
        long resyncs,
        Optional<String> error) {}
