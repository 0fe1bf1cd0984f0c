package io.gatehouse.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.origin.LoginOrigins.Kind;
import io.gatehouse.origin.LoginOrigins.Sighting;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bounded per-user memory of login devices and networks, on the in-memory store and every Redis topology. */
class LoginOriginsContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

    private LoginOrigins origins(int capacity) {
        LoginOrigins.Builder b = LoginOrigins.builder().clock(clock).capacity(capacity);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        return b.build();
    }

    @Test
    void theFirstOriginIsRememberedWithoutBeingNewThenNewOnesAreNew() {
        LoginOrigins o = origins(20);
        assertThat(o.see("u1", Kind.DEVICE, "dev-a")).isEqualTo(Sighting.FIRST);
        assertThat(o.see("u1", Kind.DEVICE, "dev-a")).isEqualTo(Sighting.KNOWN);
        assertThat(o.see("u1", Kind.DEVICE, "dev-b")).isEqualTo(Sighting.NEW);
        assertThat(o.see("u1", Kind.DEVICE, "dev-b")).isEqualTo(Sighting.KNOWN);
        assertThat(o.see("u1", Kind.NETWORK, "dev-a")).as("kinds are apart").isEqualTo(Sighting.FIRST);
        assertThat(o.see("u2", Kind.DEVICE, "dev-a")).as("users are apart").isEqualTo(Sighting.FIRST);
    }

    @Test
    void pastTheCapacityTheLeastRecentlySeenIsForgotten() {
        LoginOrigins o = origins(3);
        o.see("u1", Kind.DEVICE, "a");
        o.see("u1", Kind.DEVICE, "b");
        o.see("u1", Kind.DEVICE, "c");
        o.see("u1", Kind.DEVICE, "a"); // a is now the most recent; b the least
        assertThat(o.see("u1", Kind.DEVICE, "d")).isEqualTo(Sighting.NEW);
        assertThat(o.see("u1", Kind.DEVICE, "a")).isEqualTo(Sighting.KNOWN);
        assertThat(o.see("u1", Kind.DEVICE, "c")).isEqualTo(Sighting.KNOWN);
        assertThat(o.see("u1", Kind.DEVICE, "b")).as("forgotten").isEqualTo(Sighting.NEW);
    }

    @Test
    void networksAreSlash24AndSlash48() {
        assertThat(LoginOrigins.network("192.0.2.77")).contains("192.0.2.0/24");
        assertThat(LoginOrigins.network("2001:db8:1:2::5")).contains("2001:db8:1:0:0:0:0:0/48");
        assertThat(LoginOrigins.network("example.com")).isEmpty();
        assertThat(LoginOrigins.network("")).isEmpty();
    }

    @Test
    void theMemoryOfAQuietUserExpires() {
        LoginOrigins.Builder b = LoginOrigins.builder().clock(clock).memory(Duration.ofDays(1));
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        LoginOrigins o = b.build();
        o.see("u1", Kind.DEVICE, "a");
        if (backend.isRedis()) {
            // Redis expires the key by its own clock (EX): the key carries the memory as its time to live.
            String key = backend.connector().keys().key("origin", "u1", "d");
            assertThat(backend.connector().<Long>sync(c -> c.ttl(key))).isBetween(86_000L, 86_400L);
        } else {
            clock.advance(Duration.ofDays(1));
            assertThat(o.see("u1", Kind.DEVICE, "b")).isEqualTo(Sighting.FIRST);
        }
    }
}
