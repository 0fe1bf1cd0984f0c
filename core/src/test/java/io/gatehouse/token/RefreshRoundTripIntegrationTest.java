package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testkit.StandaloneRedis;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A refresh is one round trip to Redis: one EVALSHA of rotate.lua, nothing else (no EVAL fallback, no
 * read before the write). Counted by Redis itself ({@code INFO commandstats}) on a private server, so
 * nothing else adds commands; the revocation reader's blocking XREAD is not a refresh's and is ignored.
 */
class RefreshRoundTripIntegrationTest {

    /** Top-level command counts since the last CONFIG RESETSTAT (commands run inside scripts included). */
    private static Map<String, Long> commandCounts(RedisConnector redis) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : redis.sync(c -> c.info("commandstats")).split("\\r?\\n")) {
            if (line.startsWith("cmdstat_")) {
                counts.put(
                        line.substring("cmdstat_".length(), line.indexOf(':')),
                        Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1")));
            }
        }
        return counts;
    }

    @Test
    void eachRefreshIsOneEvalshaInBothSigningModes() {
        try (StandaloneRedis server = StandaloneRedis.start()) {
            for (String signing : new String[] {"asymmetric", "hmac"}) {
                GatehouseConfig config = GatehouseConfig.builder()
                        .redisUrl(server.url())
                        .set("gatehouse.tokens.refresh.signing", signing)
                        .set("gatehouse.tokens.revocation.read-block", "200ms")
                        .build();
                try (Stores stores = Stores.open(config);
                        TokenService tokens = TokenService.builder()
                                .config(config)
                                .stores(stores)
                                .build()) {
                    RedisConnector redis =
                            StoresRedis.of(stores, Purpose.TOKENS).orElseThrow();
                    String refresh = tokens.issue(TokenRequest.of("user-1", "sess-" + signing))
                            .refreshToken();
                    redis.sync(c -> c.configResetstat());

                    for (int i = 0; i < 20; i++) {
                        refresh = tokens.refresh(refresh).refreshToken();
                    }

                    Map<String, Long> counts = commandCounts(redis);
                    counts.remove("xread");
                    counts.remove("config|resetstat");
                    counts.remove("info");
                    // rotate.lua's own calls (HMGET, HSET, PEXPIRE, SET) are counted too, but run inside the
                    // one EVALSHA: no other top-level command may appear
                    assertThat(counts)
                            .as(signing)
                            .containsEntry("evalsha", 20L)
                            .doesNotContainKeys("eval", "get", "exists");
                    assertThat(counts.keySet()).as(signing).isSubsetOf("evalsha", "hmget", "hset", "pexpire", "set");
                }
            }
        }
    }
}
