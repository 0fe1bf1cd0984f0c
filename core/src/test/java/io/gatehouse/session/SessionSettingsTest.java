package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {

    private static GatehouseConfig config(String... kv) {
        GatehouseConfig.Builder b = GatehouseConfig.builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.set(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    @Test
    void defaults() {
        SessionSettings s = SessionSettings.from(config());
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.absoluteLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(s.touchInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxPerUser()).isZero();
        assertThat(s.limitPolicy()).isEqualTo(LimitPolicy.EVICT_OLDEST);
        assertThat(s.ceilingPerUser()).isEqualTo(1000);
        assertThat(s.trustedDeviceTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(s.entryFormat()).isEqualTo(EntryFormat.COMPACT);
        assertThat(SessionSettings.from(config("gatehouse.sessions.entry-format", "TEXT"))
                        .entryFormat())
                .isEqualTo(EntryFormat.TEXT);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.limit-policy", "drop")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo("gatehouse.sessions.limit-policy"));
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.entry-format", "json")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("gatehouse.sessions.entry-format");
                    assertThat(e.getMessage()).contains("compact or text");
                });
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.touch-interval", "30m")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo("gatehouse.sessions.touch-interval"));
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.max-per-user", "-1")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.max-per-user", "2000")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SessionSettings.from(config("gatehouse.sessions.idle-timeout", "500ms")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void redisRequiresBothKeysAndMemoryMakesThemUp() {
        assertThatThrownBy(() -> SessionKeys.from(config(), true))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo("gatehouse.sessions.mac-key"));
        assertThatThrownBy(() -> SessionKeys.from(
                        config("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY), true))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo("gatehouse.sessions.device-key"));
        SessionKeys a = SessionKeys.from(config(), false);
        SessionKeys b = SessionKeys.from(config(), false);
        assertThat(a.macKey()).hasSize(32).isNotEqualTo(b.macKey());
        assertThat(a.toString()).doesNotContain(new String(a.macKey()));
    }

    @Test
    void shortOrMalformedKeysAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> SessionKeys.from(config("gatehouse.sessions.mac-key", "c2hvcnQ="), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 32")
                .hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> SessionKeys.from(config("gatehouse.sessions.mac-key", "not*base64!"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("not*base64!");
    }
}
