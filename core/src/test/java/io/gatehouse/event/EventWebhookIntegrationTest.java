package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.config.GatehouseConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook for critical events, against a small HTTP server on loopback that fails on purpose. */
class EventWebhookIntegrationTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private volatile int failStatus = 503;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            arrivals.add(System.nanoTime());
            int status = failFirst.getAndDecrement() > 0 ? failStatus : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SecurityEvents events() {
        return SecurityEvents.builder()
                .inMemory()
                .config(GatehouseConfig.builder()
                        .set("gatehouse.events.spool.dir", dir.toString())
                        .set(
                                "gatehouse.events.webhook.url",
                                "http://127.0.0.1:" + server.getAddress().getPort() + "/hook")
                        .set("gatehouse.events.webhook.initial-backoff", "50ms")
                        .set("gatehouse.events.webhook.max-attempts", "4")
                        .build())
                .build();
    }

    @Test
    void criticalEventsArePostedAsSlackTextWithRetriesAndBackoff() {
        failFirst.set(2);
        try (SecurityEvents events = events()) {
            events.record(SecurityEvent.builder(EventType.LOGIN_SUCCESS).user("u1"));
            SecurityEvent lockout = events.record(SecurityEvent.builder(EventType.LOCKOUT)
                    .user("u1")
                    .ip("192.0.2.10")
                    .reason("too_many_failures"));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stats().webhookSent() == 1);
            assertThat(bodies).hasSize(3); // two 503 answers, then delivered
            assertThat(bodies)
                    .allMatch(b -> b.startsWith(
                                    "{\"text\":\"[critical] lockout user=u1 ip=192.0.2.10 reason=too_many_failures")
                            && b.contains(lockout.id()));
            // Exponential back-off: the second wait is about twice the first (50 ms, then 100 ms, +20% jitter).
            long firstWait = arrivals.get(1) - arrivals.get(0);
            long secondWait = arrivals.get(2) - arrivals.get(1);
            assertThat(firstWait).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            assertThat(secondWait).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
            assertThat(events.stats().webhookFailed()).isZero();
        }
    }

    @Test
    void givesUpAfterMaxAttemptsAndDoesNotRetryAClientError() {
        failFirst.set(100);
        try (SecurityEvents events = events()) {
            events.record(
                    SecurityEvent.builder(EventType.REFRESH_REUSE_DETECTED).user("u2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stats().webhookFailed() == 1);
            assertThat(bodies).hasSize(4);
            failStatus = 400;
            bodies.clear();
            events.record(SecurityEvent.builder(EventType.LOCKOUT).user("u2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stats().webhookFailed() == 2);
            assertThat(bodies).hasSize(1);
            assertThat(events.stats().webhookSent()).isZero();
            // Recording itself was unaffected.
            assertThat(events.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(events.stats().stored()).isEqualTo(2);
        }
    }
}
