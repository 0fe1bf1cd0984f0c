package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenSettingsTest {

    private static TokenSettings settings(Map<String, String> values) {
        GatehouseConfig.Builder b = GatehouseConfig.builder();
        values.forEach(b::set);
        return TokenSettings.from(b.build());
    }

    @Test
    void defaults() {
        TokenSettings s = settings(Map.of());

        assertThat(s.algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(s.es256Engine()).isEqualTo(Es256Signer.Engine.BOUNCYCASTLE);
        assertThat(s.accessTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.refreshTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(s.grace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.stalenessBudget()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.stalePolicy()).isEqualTo(StalePolicy.FAIL_CLOSED);
        assertThat(s.refreshSigning()).isEqualTo(TokenSettings.RefreshSigning.ASYMMETRIC);
        assertThat(s.keyStore()).isEqualTo(TokenSettings.KeyStoreKind.AUTO);
        assertThat(s.keyFile().toString()).endsWith("token-keys.json");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gatehouse.tokens.algorithm|HS256",
                "gatehouse.tokens.es256-engine|sunec",
                "gatehouse.tokens.access-ttl|0s",
                "gatehouse.tokens.access-ttl|soon",
                "gatehouse.tokens.refresh-ttl|1m",
                "gatehouse.tokens.clock-skew|10m",
                "gatehouse.tokens.refresh.grace|-1s",
                "gatehouse.tokens.refresh.signing|rsa",
                "gatehouse.tokens.max-token-length|10",
                "gatehouse.tokens.keys.store|s3",
                "gatehouse.tokens.keys.encryption-key|c2hvcnQ=",
                "gatehouse.tokens.keys.encryption-key|not base64!",
                "gatehouse.tokens.revocation.on-stale|maybe",
                "gatehouse.tokens.revocation.stream-max-length|0",
                "gatehouse.tokens.revocation.read-block|1m",
                "gatehouse.tokens.issuer|' '",
            })
    void badValuesNameTheirKey(String key, String value) {
        assertThatThrownBy(() -> settings(Map.of(key, value.equals("' '") ? " " : value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void optionsAreRead() {
        TokenSettings s = settings(Map.of(
                "gatehouse.tokens.algorithm",
                "EdDSA",
                "gatehouse.tokens.refresh.signing",
                "asymmetric",
                "gatehouse.tokens.revocation.on-stale",
                "fail-open",
                "gatehouse.tokens.keys.store",
                "redis",
                "gatehouse.tokens.es256-engine",
                "JDK"));

        assertThat(s.algorithm()).isEqualTo(SigningAlgorithm.EDDSA);
        assertThat(s.refreshSigning()).isEqualTo(TokenSettings.RefreshSigning.ASYMMETRIC);
        assertThat(s.stalePolicy()).isEqualTo(StalePolicy.FAIL_OPEN);
        assertThat(s.keyStore()).isEqualTo(TokenSettings.KeyStoreKind.REDIS);
        assertThat(s.es256Engine()).isEqualTo(Es256Signer.Engine.JDK);
    }

    @Test
    void aRedisKeyStoreWithoutRedisIsAConfigError() {
        GatehouseConfig config = GatehouseConfig.builder()
                .set("gatehouse.tokens.keys.store", "redis")
                .build();

        assertThatThrownBy(() -> TokenService.builder().config(config).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.tokens.keys.store");
    }
}
