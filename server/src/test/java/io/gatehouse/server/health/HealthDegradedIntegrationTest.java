package io.gatehouse.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cache.Cache;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on its own Redis, which is killed and restarted: {@code /health} goes degraded with each
 * capability's fallback named, and back to healthy; {@code /metrics} shows the open circuit.
 */
class HealthDegradedIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void killingRedisDegradesHealthAndFallbacksAreReportedUntilItIsBack(@TempDir Path dataDir) {
        try (StandaloneRedis redis = StandaloneRedis.start();
                TestServer server = TestServer.start(
                        dataDir,
                        Map.of(
                                "gatehouse.redis.url", redis.url(),
                                "gatehouse.redis.command-timeout", "2s",
                                "gatehouse.redis.connect-timeout", "5s",
                                "gatehouse.sessions.mac-key", "aGVhbHRoLXRlc3QtbWFjLWtleS0wMTIzNDU2Nzg5YWJjZGVm",
                                "gatehouse.sessions.device-key", "aGVhbHRoLXRlc3QtZGV2aWNlLWtleS0wMTIzNDU2Nzg5YWJj",
                                "gatehouse.tokens.revocation.staleness-budget", "10m",
                                "gatehouse.tokens.revocation.on-stale", "fail-open"))) {
            var services = server.server().gatehouse();
            Cache<String> profiles = services.caches().cache("profiles", String.class);
            profiles.put("u1", "Ann", Duration.ofMinutes(5));
            assertThat(profiles.get("u1")).hasValue("Ann");
            assertThat(profiles.get("nobody")).isEmpty();
            assertThat(profiles.getOrLoad("u2", Duration.ofMinutes(5), k -> Optional.of("Bob")))
                    .hasValue("Bob");

            JsonNode healthy = TestServer.json(server.get("/health"));
            assertThat(healthy.path("status").asText()).as(healthy.toString()).isEqualTo("healthy");
            assertThat(healthy.at("/checks/redis/targets/0/target").asText())
                    .contains(redis.url().replaceFirst("redis://", ""));
            for (String part : new String[] {"tokens", "rate_limits", "sessions", "events", "cache"}) {
                assertThat(healthy.at("/checks/" + part + "/status").asText())
                        .as(part)
                        .isEqualTo("healthy");
            }
            assertThat(healthy.at("/checks/cache/caches/profiles/hits").asLong())
                    .isEqualTo(1);

            JsonNode cache = TestServer.json(server.get("/health/cache"));
            assertThat(cache.path("status").asText()).isEqualTo("healthy");
            assertThat(cache.path("store").asText()).contains("cache");
            JsonNode p = cache.at("/caches/profiles");
            assertThat(p.path("hits").asLong()).isEqualTo(1);
            assertThat(p.path("misses").asLong()).isEqualTo(2);
            assertThat(p.path("loads").asLong()).isEqualTo(1);
            assertThat(p.path("load_time_ms").asDouble()).isPositive();
            assertThat(p.path("errors").asLong()).isZero();
            assertThat(p.has("near_size")).isTrue();
            assertThat(server.get("/metrics").body())
                    .contains("gatehouse_redis_circuit_open{target=\"")
                    .doesNotContain("gatehouse_redis_circuit_open{target=\"" + "x");

            redis.node().kill();

            // Work while Redis is down: a cache read (served as a miss), a rate-limit decision (the
            // fallback decides) and a security event (spooled to disk).
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(profiles.get("u1")).isEmpty();
                assertThat(services.rateLimiter()
                                .decide(services.policies().policy("api-ip"), "203.0.113.7")
                                .source())
                        .isEqualTo(DecisionSource.FALLBACK);
            });
            services.events()
                    .record(SecurityEvent.builder(EventType.ADMIN_ACTION)
                            .user("u1")
                            .reason("while down"));

            await().atMost(WAIT).untilAsserted(() -> {
                var r = server.get("/health");
                JsonNode h = TestServer.json(r);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(h.path("status").asText()).as(h.toString()).isEqualTo("degraded");
                assertThat(h.at("/checks/redis/status").asText()).isEqualTo("unhealthy");
                assertThat(h.at("/checks/tokens/status").asText())
                        .as(h.toString())
                        .isEqualTo("degraded");
                assertThat(h.at("/checks/rate_limits/status").asText()).isEqualTo("degraded");
                assertThat(h.at("/checks/sessions/status").asText()).isEqualTo("unhealthy");
                assertThat(h.at("/checks/events/status").asText()).isEqualTo("degraded");
                assertThat(h.at("/checks/events/spool_bytes").asLong()).isPositive();
                assertThat(h.at("/checks/cache/status").asText()).isEqualTo("degraded");
                assertThat(h.at("/checks/database/status").asText()).isEqualTo("healthy");
            });
            assertThat(TestServer.json(server.get("/health/ready"))
                            .path("status")
                            .asText())
                    .isEqualTo("degraded");
            assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
            JsonNode cacheDown = TestServer.json(server.get("/health/cache"));
            assertThat(cacheDown.path("status").asText()).isEqualTo("degraded");
            assertThat(cacheDown.at("/caches/profiles/errors").asLong()).isPositive();
            String metrics = server.get("/metrics").body();
            assertThat(metrics).containsPattern("gatehouse_redis_circuit_open\\{target=\"[^\"]+\"} 1(\\.0)?\n");
            assertThat(metrics)
                    .containsPattern(
                            "gatehouse_ratelimit_decisions_total\\{outcome=\"allowed\",policy=\"api-ip\",source=\"fallback\"} [1-9]");
            assertThat(metrics).containsPattern("gatehouse_events_spooled_total [1-9]");

            redis.node().restart();

            // The limiter reports its fallback until a decision reaches Redis again (traffic does that).
            await().atMost(WAIT).untilAsserted(() -> {
                services.rateLimiter().decide(services.policies().policy("api-ip"), "203.0.113.8");
                JsonNode h = TestServer.json(server.get("/health"));
                assertThat(h.path("status").asText()).as(h.toString()).isEqualTo("healthy");
            });
            assertThat(server.get("/metrics").body())
                    .containsPattern("gatehouse_redis_circuit_open\\{target=\"[^\"]+\"} 0(\\.0)?\n")
                    .containsPattern("gatehouse_events_stored_total [1-9]");
        }
    }
}
