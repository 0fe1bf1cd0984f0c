package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Policies, limiter and lockout settings read from configuration; bad values name their key. */
class RateLimitConfigTest {

    private static GatehouseConfig.Builder config() {
        return GatehouseConfig.builder();
    }

    @Test
    void builtInPoliciesHaveDefaultsAndCanBeChanged() {
        RatePolicies defaults = RatePolicies.defaults();
        assertThat(defaults.policy("login-ip").limit()).isEqualTo(Limit.of(20, Duration.ofMinutes(1)));
        assertThat(defaults.policy("login-account").limit()).isEqualTo(Limit.of(5, Duration.ofMinutes(1)));
        assertThat(defaults.all())
                .extracting(RatePolicy::name)
                .containsExactly("login-ip", "login-account", "api-user", "api-ip");

        RatePolicies p = RatePolicies.fromConfig(config().set("gatehouse.ratelimit.policy.login-ip.rate", "10/1m")
                .set("gatehouse.ratelimit.policy.login-ip.burst", "3")
                .set("gatehouse.ratelimit.policy.login-ip.on-store-down", "fail-closed")
                .set("gatehouse.ratelimit.policies", "export, search")
                .set("gatehouse.ratelimit.policy.export.rate", "5/1h")
                .set("gatehouse.ratelimit.policy.search.rate", "100/s")
                .build());
        assertThat(p.policy("login-ip"))
                .isEqualTo(
                        new RatePolicy("login-ip", Limit.of(10, Duration.ofMinutes(1), 3), StoreDownMode.FAIL_CLOSED));
        assertThat(p.policy("export").limit()).isEqualTo(Limit.of(5, Duration.ofHours(1)));
        assertThat(p.policy("search").limit()).isEqualTo(Limit.of(100, Duration.ofSeconds(1)));
        assertThatThrownBy(() -> p.policy("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("login-ip");
    }

    @Test
    void badPolicyValuesNameTheirKey() {
        assertKey(
                config().set("gatehouse.ratelimit.policy.login-ip.rate", "ten per minute"),
                "gatehouse.ratelimit.policy.login-ip.rate");
        assertKey(
                config().set("gatehouse.ratelimit.policy.login-ip.rate", "10/1w"),
                "gatehouse.ratelimit.policy.login-ip.rate");
        assertKey(
                config().set("gatehouse.ratelimit.policy.login-ip.burst", "0"),
                "gatehouse.ratelimit.policy.login-ip.burst");
        assertKey(
                config().set("gatehouse.ratelimit.policy.api-ip.on-store-down", "maybe"),
                "gatehouse.ratelimit.policy.api-ip.on-store-down");
        assertKey(config().set("gatehouse.ratelimit.policies", "export"), "gatehouse.ratelimit.policy.export.rate");
        assertKey(config().set("gatehouse.ratelimit.policies", "Bad Name"), "gatehouse.ratelimit.policies");
    }

    private static void assertKey(GatehouseConfig.Builder b, String key) {
        assertThatThrownBy(() -> RatePolicies.fromConfig(b.build()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.getMessage()).contains(key));
    }

    @Test
    void limiterSettings() {
        RateLimitSettings s = RateLimitSettings.read(config().build());
        assertThat(s).isEqualTo(new RateLimitSettings(TimeSource.REDIS, CrossSlotMode.OPTIMISTIC, true, 100_000));
        s = RateLimitSettings.read(config().set("gatehouse.ratelimit.time-source", "client")
                .set("gatehouse.ratelimit.cross-slot", "peek-first")
                .set("gatehouse.ratelimit.deny-cache.enabled", "false")
                .set("gatehouse.ratelimit.deny-cache.max-entries", "500")
                .build());
        assertThat(s).isEqualTo(new RateLimitSettings(TimeSource.CLIENT, CrossSlotMode.PEEK_FIRST, false, 500));
        for (String[] bad : new String[][] {
            {"gatehouse.ratelimit.time-source", "ntp"},
            {"gatehouse.ratelimit.cross-slot", "x"},
            {"gatehouse.ratelimit.deny-cache.max-entries", "0"}
        }) {
            assertThatThrownBy(() ->
                            RateLimitSettings.read(config().set(bad[0], bad[1]).build()))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e -> assertThat(e.getMessage()).contains(bad[0]));
        }
    }

    @Test
    void lockoutSettings() {
        assertThat(LockoutPolicy.fromConfig(config().build())).isEqualTo(LockoutPolicy.defaults());
        LockoutPolicy p = LockoutPolicy.fromConfig(config().set("gatehouse.lockout.account.max-failures", "20")
                .set("gatehouse.lockout.wait-increment", "30s")
                .set("gatehouse.lockout.max-wait", "5m")
                .set("gatehouse.lockout.permanent-after", "3")
                .build());
        assertThat(p.accountMaxFailures()).isEqualTo(20);
        assertThat(p.waitMillis(1)).isEqualTo(30_000);
        assertThat(p.waitMillis(4)).isEqualTo(120_000);
        assertThat(p.waitMillis(1_000_000_000L)).isEqualTo(300_000);
        assertThat(p.permanentAfter()).isEqualTo(3);
        assertThatThrownBy(() -> LockoutPolicy.fromConfig(
                        config().set("gatehouse.lockout.ip.max-failures", "-1").build()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.getMessage()).contains("gatehouse.lockout.ip.max-failures"));
        assertThatThrownBy(() -> LockoutPolicy.fromConfig(
                        config().set("gatehouse.lockout.max-wait", "soon").build()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void limitArithmeticRoundsTheIntervalUp() {
        Limit l = Limit.of(3, Duration.ofSeconds(1));
        assertThat(l.emissionIntervalMicros()).isEqualTo(333_334);
        assertThat(l.toleranceMicros()).isEqualTo(1_000_002);
        assertThat(Limit.parse("3/15m")).isEqualTo(Limit.of(3, Duration.ofMinutes(15)));
        assertThat(Limit.parse("100/s").toString()).isEqualTo("100/1s");
        assertThatThrownBy(() -> Limit.of(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limit.parse("5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limit.of(1, Duration.ofDays(1), Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^50");
    }
}
