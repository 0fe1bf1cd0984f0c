package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.ratelimit.RatePolicies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The issuer follows the public URL, and the auth policies exist with defaults unless configured. */
class AuthSettingsTest {
    @Test
    void theIssuerDefaultsToThePublicUrlWhichDefaultsToLocalhostAndThePort() {
        GatehouseConfig c = AuthSettings.withServerDefaults(
                GatehouseConfig.builder().set("gatehouse.server.port", "9000").build());
        assertThat(c.get("gatehouse.tokens.issuer")).hasValue("http://localhost:9000");
        AuthSettings s = AuthSettings.from(c);
        assertThat(s.publicUrl()).isEqualTo("http://localhost:9000");
        assertThat(s.issuer()).isEqualTo("http://localhost:9000");

        GatehouseConfig pub = AuthSettings.withServerDefaults(GatehouseConfig.builder()
                .set("gatehouse.server.public-url", "https://auth.example.com")
                .build());
        assertThat(AuthSettings.from(pub).issuer()).isEqualTo("https://auth.example.com");

        GatehouseConfig own = AuthSettings.withServerDefaults(GatehouseConfig.builder()
                .set("gatehouse.server.public-url", "https://auth.example.com")
                .set("gatehouse.tokens.issuer", "https://issuer.example.com")
                .build());
        assertThat(AuthSettings.from(own).issuer()).isEqualTo("https://issuer.example.com");

        GatehouseConfig env = AuthSettings.withServerDefaults(
                GatehouseConfig.of(Map.of(), Map.of("GATEHOUSE_SERVER_PUBLIC_URL", "https://env.example.com")));
        assertThat(env.get("gatehouse.tokens.issuer")).hasValue("https://env.example.com");
    }

    @Test
    void aPublicUrlMustBeAnAbsoluteHttpUrlWithoutTrailingSlash() {
        for (String bad : new String[] {
            "auth.example.com",
            "https://auth.example.com/",
            "ftp://x.example.com",
            "https://auth.example.com?x=1",
            "http://"
        }) {
            assertThatThrownBy(() -> AuthSettings.from(GatehouseConfig.builder()
                            .set("gatehouse.server.public-url", bad)
                            .build()))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("gatehouse.server.public-url");
        }
    }

    @Test
    void theAuthPoliciesAreAddedWithDefaultsAndKeepConfiguredRates() {
        GatehouseConfig c = AuthSettings.withServerDefaults(GatehouseConfig.builder()
                .set("gatehouse.ratelimit.policies", "search")
                .set("gatehouse.ratelimit.policy.search.rate", "5/1s")
                .set("gatehouse.ratelimit.policy.refresh-family.rate", "7/1m")
                .build());
        RatePolicies p = RatePolicies.fromConfig(c);
        assertThat(p.policy("search").limit().count()).isEqualTo(5);
        assertThat(p.policy("refresh-family").limit().count()).isEqualTo(7);
        assertThat(p.policy("register-ip").limit().count()).isEqualTo(30);
        assertThat(p.policy("introspect-client").limit().count()).isEqualTo(600_000);
        assertThat(p.policy("login-ip").limit().count()).isEqualTo(20);
    }
}
