package io.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    /** Every component set to something other than what a forgetful copy would put there. */
    private static RedisEndpoint sample() {
        return new RedisEndpoint(
                RedisMode.SENTINEL,
                true,
                List.of(new HostAndPort("10.0.0.1", 26379), new HostAndPort("10.0.0.2", 26379)),
                Optional.of("mymaster"),
                3,
                Optional.of("ops"),
                Optional.of("s3cret"),
                Duration.ofSeconds(7),
                Duration.ofMillis(250),
                Optional.of(Path.of("/etc/ca.pem")),
                Optional.of(Path.of("/etc/cert.pem")),
                Optional.of(Path.of("/etc/key.pem")),
                true,
                "tenant1",
                Duration.ofSeconds(9),
                new Durability(Durability.Mode.REPLICATED, 2, Duration.ofSeconds(1), Durability.Check.STRICT),
                Duration.ofNanos(40_000));
    }

    @Test
    void theSampleSetsEveryComponent() throws Exception {
        // A component added to the record fails here until the sample gives it a non-default value, so the
        // copy test below would notice a copy that drops it.
        RedisEndpoint e = sample();
        for (RecordComponent c : RedisEndpoint.class.getRecordComponents()) {
            Object v = c.getAccessor().invoke(e);
            assertThat(v)
                    .as(c.getName())
                    .isNotNull()
                    .isNotEqualTo(Optional.empty())
                    .isNotEqualTo(false);
            if (v instanceof Number n) {
                assertThat(n.longValue()).as(c.getName()).isNotZero();
            }
            if (v instanceof Collection<?> col) {
                assertThat(col).as(c.getName()).isNotEmpty();
            }
        }
    }

    @Test
    void withCommandTimeoutChangesOnlyTheCommandTimeout() throws Exception {
        RedisEndpoint e = sample();
        RedisEndpoint changed = e.withCommandTimeout(Duration.ofSeconds(60));
        assertThat(changed.commandTimeout()).isEqualTo(Duration.ofSeconds(60));
        for (RecordComponent c : RedisEndpoint.class.getRecordComponents()) {
            if (!c.getName().equals("commandTimeout")) {
                assertThat(c.getAccessor().invoke(changed))
                        .as(c.getName())
                        .isEqualTo(c.getAccessor().invoke(e));
            }
        }
    }
}
