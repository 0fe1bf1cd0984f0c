package io.gatehouse.bench.session;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.spring.session.GatehouseSessionRepository;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Gatehouse's side: the starter's {@link GatehouseSessionRepository} over {@code Gatehouse.open} with the
 * default session settings, as {@code @EnableGatehouseHttpSession} builds it (no Spring context needed).
 */
public final class GatehouseSide {
    private GatehouseSide() {}

    public static void main(String[] args) throws Exception {
        SessionSaveRun.main(args, url -> {
            // The keys a Redis deployment shares between instances: random per run, nothing outlives it.
            // Spring Data Redis waits up to 60 s for Redis by default; on a loaded 2-core machine the
            // default 2 s connect timeout can be short, so both sides get time enough.
            Gatehouse gatehouse = Gatehouse.open(GatehouseConfig.builder()
                    .redisUrl(url)
                    .set("gatehouse.sessions.mac-key", randomKey())
                    .set("gatehouse.tokens.keys.encryption-key", randomKey())
                    .set("gatehouse.redis.connect-timeout", "10s")
                    .set("gatehouse.redis.command-timeout", "10s")
                    .build());
            return new SessionSide<>(
                    "gatehouse", new GatehouseSessionRepository(gatehouse.sessions(), gatehouse.clock()), gatehouse);
        });
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
