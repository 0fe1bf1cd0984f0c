package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventSettingsTest {

    @Test
    void defaults() {
        EventSettings s = EventSettings.from(
                GatehouseConfig.builder().dataDir(Path.of("/var/lib/gh")).build());
        assertThat(s.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(s.spoolDir()).isEqualTo(Path.of("/var/lib/gh/events"));
        assertThat(s.globalShards()).isEqualTo(4);
        assertThat(s.webhookUrl()).isEmpty();
        assertThat(s.rateLimitSample()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "gatehouse.events.retention;0s",
                "gatehouse.events.retention;ninety days",
                "gatehouse.events.queue-capacity;0",
                "gatehouse.events.global-shards;1000",
                "gatehouse.events.webhook.url;ftp://example.com/x",
                "gatehouse.events.webhook.min-severity;loud",
                "gatehouse.events.rate-limit-sample;-1"
            })
    void badValuesNameTheirKey(String key, String value) {
        assertThatThrownBy(() -> EventSettings.from(
                        GatehouseConfig.builder().set(key, value).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }
}
