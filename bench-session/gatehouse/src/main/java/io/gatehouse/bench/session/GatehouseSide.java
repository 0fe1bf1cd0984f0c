package io.gatehouse.bench.session;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.spring.session.GatehouseSessionRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
            // -Dbench.sessions-only=true: only sessions and tokens on Redis, the other purposes (the
            // security-event log above all, which Spring Session has no counterpart of) in memory, so
            // that used_memory counts the session store alone.
            GatehouseConfig.Builder config = GatehouseConfig.builder();
            if (Boolean.getBoolean("bench.sessions-only")) {
                config.set("gatehouse.redis.sessions.url", url).set("gatehouse.redis.tokens.url", url);
            } else {
                config.redisUrl(url);
            }
            Gatehouse gatehouse = Gatehouse.open(config.set("gatehouse.sessions.mac-key", randomKey())
                    .set("gatehouse.sessions.device-key", randomKey())
                    .set("gatehouse.data-dir", dataDir())
                    .set("gatehouse.tokens.keys.encryption-key", randomKey())
                    .set("gatehouse.redis.connect-timeout", "10s")
                    .set("gatehouse.redis.command-timeout", "10s")
                    .build());
            return new SessionSide<>(
                    "gatehouse", new GatehouseSessionRepository(gatehouse.sessions(), gatehouse.clock()), gatehouse);
        });
    }

    /** The event spool's directory: a fresh temporary one, not the working directory. */
    private static String dataDir() {
        try {
            return Files.createTempDirectory("gatehouse-bench-session").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
