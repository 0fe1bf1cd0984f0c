package io.gatehouse.bench;

import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;

/** Connectors for the token benchmarks. */
final class BenchTokens {
    private BenchTokens() {}

    /**
     * A connector with a 10 s command timeout: the setup writes 100,000 revocations in 500-entry scripts,
     * which on a machine shared with other benchmarks can exceed the default 1 s. Measured calls are
     * unaffected (a timeout only bounds waiting).
     */
    static RedisConnector connect(BenchRedis redis) {
        return RedisConnector.connect(redis.config().toBuilder()
                .set("gatehouse.redis.command-timeout", "10s")
                .build()
                .redis(Purpose.TOKENS)
                .orElseThrow());
    }
}
