package io.gatehouse.redis;

import io.gatehouse.config.Durability;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.TargetHealth;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Reads PING latency and {@code INFO} from a deployment for {@code /health}. */
final class HealthProbe {
    /** A PING slower than this makes the target degraded: it answers, but callers will notice. */
    static final Duration SLOW = Duration.ofMillis(250);

    private HealthProbe() {}

    static TargetHealth probe(RedisConnector connector, StatefulConnection<String, String> stateful) {
        String target = connector.target();
        String circuit = connector.circuitState().label();
        if (connector.circuitState() == CircuitState.OPEN) {
            return down(target, circuit, connector.breaker().rejection().getMessage());
        }
        try {
            long start = System.nanoTime();
            connector.sync(c -> c.ping());
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);

            List<String> infos = infos(connector, stateful);
            long clients = 0;
            long ops = 0;
            long memory = 0;
            long uptime = 0;
            TreeSet<String> versions = new TreeSet<>();
            TreeSet<String> roles = new TreeSet<>();
            List<Map<String, String>> parsed = new ArrayList<>();
            for (String info : infos) {
                Map<String, String> m = parse(info);
                parsed.add(m);
                clients += number(m, "connected_clients");
                ops += number(m, "instantaneous_ops_per_sec");
                memory += number(m, "used_memory");
                uptime = Math.max(uptime, number(m, "uptime_in_seconds"));
                Optional.ofNullable(m.get("redis_version")).ifPresent(versions::add);
                Optional.ofNullable(m.get("role")).ifPresent(roles::add);
            }
            HealthStatus status = rtt.compareTo(SLOW) > 0 ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
            List<String> notes = new ArrayList<>();
            if (status == HealthStatus.DEGRADED) {
                notes.add("PING took " + rtt.toMillis() + " ms");
            }
            if (connector.endpoint().durability().check() != Durability.Check.OFF
                    && DeploymentCheck.guardsSecurityState(connector.purposes())) {
                DeploymentCheck.risks(parsed, connector.endpoint().durability())
                        .forEach(r -> notes.add("durability: " + r));
            }
            return new TargetHealth(
                    target,
                    status,
                    circuit,
                    Optional.of(rtt),
                    Optional.of(String.join(",", versions)),
                    Optional.of(String.join(",", roles)),
                    clients,
                    ops,
                    memory,
                    uptime,
                    infos.size(),
                    Optional.empty(),
                    notes);
        } catch (StoreException e) {
            return down(target, connector.circuitState().label(), e.getMessage());
        }
    }

    /** The full {@code INFO} of every master: one, or each Cluster master. */
    static List<String> infos(RedisConnector connector, StatefulConnection<String, String> stateful) {
        List<String> infos = new ArrayList<>();
        if (stateful instanceof StatefulRedisClusterConnection<String, String> cluster) {
            for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    infos.add(connector.sync(
                            c -> cluster.getConnection(node.getNodeId()).async().info()));
                }
            }
        } else {
            infos.add(connector.sync(c -> c.info()));
        }
        return infos;
    }

    private static TargetHealth down(String target, String circuit, String error) {
        return new TargetHealth(
                target,
                HealthStatus.UNHEALTHY,
                circuit,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                0,
                0,
                0,
                Optional.of(error),
                List.of());
    }

    static Map<String, String> parse(String info) {
        Map<String, String> m = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }

    private static long number(Map<String, String> m, String key) {
        try {
            return Long.parseLong(m.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
