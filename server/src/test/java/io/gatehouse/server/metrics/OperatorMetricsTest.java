package io.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cache and session-cleanup meters on {@code /metrics}, on in-memory stores. */
class OperatorMetricsTest {

    @Test
    void cachesMadeAfterBindingAreCountedByNameAndResult() {
        try (ServerMetrics metrics = new ServerMetrics();
                Caches caches = Caches.inMemory()) {
            metrics.bind(caches);
            assertThat(metrics.scrape()).doesNotContain("gatehouse_cache_requests_total");
            Cache<String> cache = caches.cache("profiles", String.class);
            cache.get("a");
            cache.getOrLoad("a", Duration.ofMinutes(1), List.of(), k -> Optional.of("loaded"));
            cache.get("a");
            cache.get("a");

            String body = metrics.scrape();
            assertThat(body)
                    .containsPattern("gatehouse_cache_requests_total\\{cache=\"profiles\",result=\"hit\"} 2\\.0")
                    .containsPattern("gatehouse_cache_requests_total\\{cache=\"profiles\",result=\"miss\"} [12]\\.0")
                    .containsPattern("gatehouse_cache_loads_total\\{cache=\"profiles\",result=\"success\"} 1\\.0")
                    .containsPattern("gatehouse_cache_loads_total\\{cache=\"profiles\",result=\"failure\"} 0\\.0")
                    .containsPattern("gatehouse_cache_load_duration_seconds_total\\{cache=\"profiles\"} \\d")
                    .contains("# TYPE gatehouse_cache_requests_total counter");
        }
    }

    @Test
    void requestsAreTimedByMethodRouteAndStatusEachSeriesOnce() {
        try (ServerMetrics metrics = new ServerMetrics()) {
            metrics.completed("GET", "/health/live", 200, 2_000_000);
            metrics.completed("GET", "/health/live", 200, 3_000_000);
            metrics.completed("GET", "/health/live", 503, 1_000_000);
            metrics.completed("POST", "/oauth2/introspect", 200, 1_000_000);

            String body = metrics.scrape();
            assertThat(body)
                    .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",outcome=\"SUCCESS\","
                            + "route=\"/health/live\",status=\"200\"} 2")
                    .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",outcome=\"SERVER_ERROR\","
                            + "route=\"/health/live\",status=\"503\"} 1")
                    .containsPattern("http_server_requests_seconds_count\\{method=\"POST\",outcome=\"SUCCESS\","
                            + "route=\"/oauth2/introspect\",status=\"200\"} 1")
                    .containsPattern("http_server_requests_seconds_bucket\\{method=\"GET\",outcome=\"SUCCESS\","
                            + "route=\"/health/live\",status=\"200\",le=\"0\\.25\"} 2");
            assertThat(metrics.registry().find("http.server.requests").timers()).hasSize(3);
        }
    }

    @Test
    void sessionCleanupPassesAreCounted() {
        try (ServerMetrics metrics = new ServerMetrics()) {
            CapabilityMetrics capability = new CapabilityMetrics(metrics.registry());
            SessionStore sessions =
                    SessionStore.builder().inMemory().listener(capability).build();
            sessions.create(NewSession.forUser("u1").build());
            sessions.cleanup(10).runToEnd();
            assertThat(metrics.scrape())
                    .containsPattern("gatehouse_sessions_cleanup_users_total [1-9]")
                    .contains("gatehouse_sessions_cleanup_removed_total 0.0");
        }
    }
}
