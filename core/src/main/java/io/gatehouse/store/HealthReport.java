package io.gatehouse.store;

import java.util.List;

/** The health of every store target and their aggregate, see {@link HealthStatus#aggregate}. */
public record HealthReport(HealthStatus status, List<TargetHealth> targets) {
    public HealthReport {
        targets = List.copyOf(targets);
    }

    public static HealthReport of(List<TargetHealth> targets) {
        return new HealthReport(
                HealthStatus.aggregate(
                        targets.stream().map(TargetHealth::status).toList()),
                targets);
    }
}
