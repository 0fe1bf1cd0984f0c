package io.gatehouse.backend;

import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.KeyFamily;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.TargetHealth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The backends of one Gatehouse instance: for each {@link Purpose}, either a Redis deployment or the
 * in-memory store. Purposes configured with the same Redis endpoint share one connection set. Pass it to the
 * capability builders ({@code TokenService.builder().stores(stores)}, ...); how it reaches Redis stays inside core.
 *
 * <p>Opening connects to every configured deployment and fails with a
 * {@link io.gatehouse.config.ConfigException} (one paragraph naming the key at fault) if one cannot be
 * used, so a misconfigured instance stops at startup instead of failing its first requests.
 */
public final class Stores implements AutoCloseable {
    static {
        StoresRedis.register(new StoresRedis.View() {
            @Override
            public Optional<RedisConnector> redis(Stores stores, Purpose purpose) {
                return Optional.ofNullable(stores.redis.get(purpose));
            }

            @Override
            public List<RedisConnector> connectors(Stores stores) {
                return stores.connectors;
            }
        });
    }

    private final GatehouseConfig config;
    private final Map<Purpose, RedisConnector> redis;
    private final List<RedisConnector> connectors;

    private Stores(GatehouseConfig config, Map<Purpose, RedisConnector> redis, List<RedisConnector> connectors) {
        this.config = config;
        this.redis = redis;
        this.connectors = connectors;
    }

    /** Connects every purpose that has a Redis URL; the others are served in memory. */
    public static Stores open(GatehouseConfig config) {
        return open(config, RedisCommandListener.NONE);
    }

    /**
     * As {@link #open(GatehouseConfig)}, telling {@code commands} the latency of every Redis command of
     * every connector (the server's metrics use it).
     */
    public static Stores open(GatehouseConfig config, RedisCommandListener commands) {
        Map<RedisEndpoint, List<Purpose>> byEndpoint = new LinkedHashMap<>();
        for (Purpose p : Purpose.values()) {
            config.redis(p)
                    .ifPresent(e -> byEndpoint
                            .computeIfAbsent(e, k -> new ArrayList<>())
                            .add(p));
        }
        Map<Purpose, RedisConnector> redis = new EnumMap<>(Purpose.class);
        List<RedisConnector> connectors = new ArrayList<>();
        try {
            byEndpoint.forEach((endpoint, purposes) -> {
                Purpose first = purposes.get(0);
                String label = purposes.stream().map(Purpose::key).collect(Collectors.joining(","));
                RedisConnector c =
                        RedisConnector.connect(endpoint, label, setting -> config.redisKey(first, setting), commands);
                connectors.add(c);
                purposes.forEach(p -> redis.put(p, c));
            });
        } catch (RuntimeException e) {
            connectors.forEach(RedisConnector::close);
            throw e;
        }
        return new Stores(config, redis, List.copyOf(connectors));
    }

    /** Everything in memory, nothing to connect to. */
    public static Stores inMemory() {
        return new Stores(GatehouseConfig.builder().build(), Map.of(), List.of());
    }

    public GatehouseConfig config() {
        return config;
    }

    /** Probes every Redis deployment (in-memory purposes are reported healthy). */
    public HealthReport health() {
        List<TargetHealth> targets = new ArrayList<>();
        connectors.forEach(c -> targets.add(c.probe()));
        String memory = Arrays.stream(Purpose.values())
                .filter(p -> !redis.containsKey(p))
                .map(Purpose::key)
                .collect(Collectors.joining(","));
        if (!memory.isEmpty()) {
            targets.add(TargetHealth.inMemory(memory + "@in-memory"));
        }
        return HealthReport.of(targets);
    }

    /** The label of the Redis deployment serving {@code purpose} (purposes and redacted URL); empty in memory. */
    public Optional<String> target(Purpose purpose) {
        return Optional.ofNullable(redis.get(purpose)).map(RedisConnector::target);
    }

    /**
     * The circuit-breaker state of every Redis deployment in use, by target label (its purposes and
     * redacted URL, never a password); empty in memory. For metrics and health outside core.
     */
    public java.util.Map<String, java.util.function.Supplier<CircuitState>> circuits() {
        java.util.Map<String, java.util.function.Supplier<CircuitState>> out = new java.util.LinkedHashMap<>();
        for (RedisConnector c : connectors) {
            out.put(c.target(), c::circuitState);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Operators' tooling ({@code gatehouse stats}): every key family on every Redis target, counted with
     * SCAN (every master of a Cluster; never KEYS) and measured with {@code MEMORY USAGE} on the first
     * {@code samplePerFamily} keys of each. Walks the whole key space: not for request paths. Empty in memory.
     */
    public List<KeyFamily> keyFamilies(int samplePerFamily) {
        if (samplePerFamily < 0) {
            throw new io.gatehouse.error.InvalidInputException("the sample must be 0 or more keys per family");
        }
        List<KeyFamily> out = new ArrayList<>();
        for (RedisConnector c : connectors) {
            String prefix = c.keys().prefix() + ":";
            Map<String, long[]> byFamily = new java.util.TreeMap<>(); // keys, sampled, sampled bytes
            c.scan(prefix + "*", keys -> {
                for (String key : keys) {
                    int end = key.indexOf(':', prefix.length());
                    long[] f = byFamily.computeIfAbsent(end < 0 ? key : key.substring(0, end), k -> new long[3]);
                    f[0]++;
                    if (f[1] < samplePerFamily) {
                        Long bytes = c.sync(x -> x.memoryUsage(key));
                        if (bytes != null) {
                            f[1]++;
                            f[2] += bytes;
                        }
                    }
                }
                return true;
            });
            byFamily.forEach((family, f) ->
                    out.add(new KeyFamily(c.target(), family, f[0], f[1], f[1] == 0 ? 0 : f[2] * f[0] / f[1])));
        }
        return out;
    }

    /**
     * Operators' tooling ({@code gatehouse cache stats}): {@code keyspace_hits / (hits + misses)} from the
     * {@code INFO stats} of the Redis deployment serving {@code purpose} (0 before any read); empty in memory.
     */
    public Optional<Double> keyspaceHitRatio(Purpose purpose) {
        return Optional.ofNullable(redis.get(purpose)).map(r -> {
            String info = r.sync(c -> c.info("stats"));
            long hits = infoField(info, "keyspace_hits:");
            long misses = infoField(info, "keyspace_misses:");
            return hits + misses == 0 ? 0.0 : (double) hits / (hits + misses);
        });
    }

    private static long infoField(String info, String name) {
        for (String line : info.split("\\r?\\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        connectors.forEach(RedisConnector::close);
    }
}
