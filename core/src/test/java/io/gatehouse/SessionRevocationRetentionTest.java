package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.token.TokenService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionRevocationRetentionTest {

    @Test
    void sessionRevocationsAreKeptNoLongerThanASessionCanLive(@TempDir Path dir) {
        GatehouseConfig config = GatehouseConfig.builder().dataDir(dir).build();
        try (TokenService tokens = TokenService.builder().config(config).build()) {
            // 12 h absolute session lifetime + 15 min access tokens + 30 s skew, not the 30 days of a refresh token.
            assertThat(SessionTokenRevocation.of(tokens, config, Clock.systemUTC())
                            .keepFor())
                    .isEqualTo(Duration.ofHours(12).plusMinutes(15).plusSeconds(30));
        }
        GatehouseConfig shortRefresh =
                config.toBuilder().set("gatehouse.tokens.refresh-ttl", "1h").build();
        try (TokenService tokens = TokenService.builder().config(shortRefresh).build()) {
            assertThat(SessionTokenRevocation.of(tokens, shortRefresh, Clock.systemUTC())
                            .keepFor())
                    .as("never longer than the tokens can live")
                    .isEqualTo(tokens.tokenLifetimeBound());
        }
    }
}
