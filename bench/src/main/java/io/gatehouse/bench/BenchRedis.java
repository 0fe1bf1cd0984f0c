package io.gatehouse.bench;

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
        this.config = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .set("gatehouse.redis.command-timeout", "10s")
                .build();
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

    /** A new connector to this Redis; the caller closes it. */
    public RedisConnector connect() {
        return RedisConnector.connect(config.redis(Purpose.TOKENS).orElseThrow());
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

    /** A redis-cli command against this Redis; its output. */
    public String cli(String... args) {
        return redis.node().cli(args);
    }

    @Override
    public void close() {
        redis.close();
    }
}
