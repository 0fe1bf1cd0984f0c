package io.gatehouse.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a health probe saw of one store target.
 *
 * @param target          the purposes this target serves and its redacted address, or {@code in-memory}
 * @param status          healthy, degraded (answering but slow, or its circuit is recovering) or unhealthy
 * @param circuit         the circuit breaker's state: {@code closed}, {@code open}, or {@code n/a} in memory
 * @param pingRoundTrip   the PING round trip, if it answered
 * @param version         the Redis version
 * @param role            {@code master} / {@code replica} (per node in a cluster)
 * @param connectedClients clients connected (summed over cluster masters)
 * @param opsPerSecond    instantaneous operations per second (summed over cluster masters)
 * @param usedMemoryBytes used memory (summed over cluster masters)
 * @param uptimeSeconds   uptime of the longest-running node
 * @param nodes           how many data nodes answered (cluster masters; 1 otherwise)
 * @param error           why the probe failed, if it did
 */
public record TargetHealth(
        String target,
        HealthStatus status,
        String circuit,
        Optional<Duration> pingRoundTrip,
        Optional<String> version,
        Optional<String> role,
        long connectedClients,
        long opsPerSecond,
        long usedMemoryBytes,
        long uptimeSeconds,
        int nodes,
        Optional<String> error,
        List<String> notes) {

    public TargetHealth {
        notes = List.copyOf(notes);
    }

    /** The health of the in-memory store: always healthy while the process runs. */
    public static TargetHealth inMemory(String target) {
        Runtime rt = Runtime.getRuntime();
        return new TargetHealth(
                target,
                HealthStatus.HEALTHY,
                "n/a",
                Optional.empty(),
                Optional.empty(),
                Optional.of("in-memory"),
                0,
                0,
                rt.totalMemory() - rt.freeMemory(),
                0,
                1,
                Optional.empty(),
                List.of());
    }
}
