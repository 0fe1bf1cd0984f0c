package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Redis memory per revocation entry and per refresh family: {@code used_memory} before and after
 * creating N of them through the public API, divided by N.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.TokenMemory [n]</pre>
 */
public final class TokenMemory {
    private TokenMemory() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = BenchTokens.stores(redis)) {
            GatehouseConfig config = redis.config().toBuilder()
                    .set("gatehouse.tokens.keys.store", "memory")
                    .build();
            try (TokenService tokens =
                    TokenService.builder().config(config).stores(stores).build()) {
                // jti revocations with real-looking ids (22-char base64url, as TokenService issues them)
                long before = redis.usedMemory();
                Instant now = Instant.now();
                List<Revocation> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String jti = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
                    batch.add(Revocation.token(jti, now, now.plus(Duration.ofMinutes(15)), "logout"));
                    if (batch.size() == 500) {
                        tokens.revokeAll(batch);
                        batch.clear();
                    }
                }
                tokens.revokeAll(batch);
                long afterRevocations = redis.usedMemory();
                System.out.printf(
                        "revocation entries: %d, %.0f bytes each (index + info hash + stream entry)%n",
                        n, (afterRevocations - before) / (double) n);

                long beforeFamilies = redis.usedMemory();
                for (int i = 0; i < n; i++) {
                    tokens.issue(TokenRequest.of("user-" + i, "sess-" + i));
                }
                long afterFamilies = redis.usedMemory();
                System.out.printf(
                        "refresh families: %d, %.0f bytes each (one hash, no successor outside grace)%n",
                        n, (afterFamilies - beforeFamilies) / (double) n);
            }
        }
    }
}
