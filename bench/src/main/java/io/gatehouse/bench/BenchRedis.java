package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testkit.StandaloneRedis;

/**
 * A private redis-server for one benchmark trial, started the way the tests start theirs
 * ({@code --save '' --appendonly no} on a free loopback port) and stopped by pid at the end.
 */
public final class BenchRedis implements AutoCloseable {
    private final StandaloneRedis redis;
    private final GatehouseConfig config;

    private BenchRedis(StandaloneRedis redis) {
        this.redis = redis;
        // 10 s, not the default 1 s: on the shared 2-core machine a starved redis-server can stall a second.
        GatehouseConfig.Builder b =
                GatehouseConfig.builder().redisUrl(redis.url()).set("gatehouse.redis.command-timeout", "10s");
        // Any setting can be changed for a run from the command line, e.g. JMH's
        // -jvmArgsAppend -Dgatehouse.redis.spin-wait=0 for a same-run A/B of a default.
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("gatehouse."))
                .forEach(k -> b.set(k, System.getProperty(k)));
        this.config = b.build();
    }

    public static BenchRedis start() {
        return new BenchRedis(StandaloneRedis.start());
    }

    public String url() {
        return redis.url();
    }

    public GatehouseConfig config() {
        return config;
    }

    /** Stores with every purpose on this Redis, for the capability builders; the caller closes them. */
    public Stores stores() {
        return Stores.open(config);
    }

    /** As {@link #stores()}, with one setting changed: the other side of a same-run A/B of a default. */
    public Stores stores(String key, String value) {
        return Stores.open(config.toBuilder().set(key, value).build());
    }

    /** The connector behind {@code stores}, for the raw commands a benchmark measures or compares with. */
    static RedisConnector connector(Stores stores) {
        return StoresRedis.of(stores, Purpose.TOKENS).orElseThrow();
    }

    public void flushAll() {
        redis.flushAll();
    }

    /** {@code used_memory} from {@code INFO memory}, in bytes. */
    public long usedMemory() {
        for (String line : redis.node().cli("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    /** redis-server's user + system CPU time so far, in seconds ({@code INFO cpu}). */
    public double cpuSeconds() {
        double total = 0;
        for (String line : cli("INFO", "cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total +=
                        Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    /** A redis-cli command against this Redis; its output. */
    public String cli(String... args) {
        return redis.node().cli(args);
    }

    @Override
    public void close() {
        redis.close();
    }

    /**
     * What Redis executed since the round's RESETSTAT, per call: {@code name=calls/call (µs each)}, the
     * µs being Redis's own {@code usec_per_call} (the command's execution, without reading and parsing it
     * or writing its reply; a script's inner commands are counted both inside the script and on their own).
     */
    public String commandStats(long calls) {
        StringBuilder out = new StringBuilder();
        for (String line : cli("INFO", "commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info") || line.startsWith("cmdstat_config")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            long n = 0;
            double usec = 0;
            for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                if (field.startsWith("calls=")) {
                    n = Long.parseLong(field.substring("calls=".length()));
                } else if (field.startsWith("usec_per_call=")) {
                    usec = Double.parseDouble(field.substring("usec_per_call=".length()));
                }
            }
            out.append(String.format(" %s=%.2f (%.2f µs)", name, (double) n / calls, usec));
        }
        return out.toString();
    }
}
