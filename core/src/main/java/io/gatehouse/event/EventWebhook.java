package io.gatehouse.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts events of at least the configured severity to a webhook as Slack-compatible JSON
 * ({@code {"text": "..."}}). Delivery is asynchronous and never holds up recording: failed posts
 * (network error, 429, 5xx) are retried with exponential back-off and jitter up to the configured number
 * of attempts; other 4xx answers are not retried. At most 1,000 deliveries wait at once; beyond that
 * an event is counted as failed. The URL is never logged (Slack webhook URLs are secrets).
 */
final class EventWebhook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventWebhook.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_PENDING = 1000;

    private final EventSettings settings;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    EventWebhook(EventSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.webhookTimeout())
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-events-webhook");
            t.setDaemon(true);
            return t;
        });
    }

    boolean wants(SecurityEvent e) {
        return e.severity().atLeast(settings.webhookMinSeverity());
    }

    void offer(SecurityEvent e) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            failed.incrementAndGet();
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(settings.webhookUrl().orElseThrow())
                .timeout(settings.webhookTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(e)))
                .build();
        scheduler.execute(() -> attempt(request, e, 1));
    }

    private void attempt(HttpRequest request, SecurityEvent e, int attempt) {
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            int status = response == null ? -1 : response.statusCode();
            if (error == null && status >= 200 && status < 300) {
                sent.incrementAndGet();
                pending.decrementAndGet();
                return;
            }
            boolean retryable = error != null || status == 429 || status >= 500;
            if (!retryable || attempt >= settings.webhookMaxAttempts() || scheduler.isShutdown()) {
                failed.incrementAndGet();
                pending.decrementAndGet();
                log.warn(
                        "security event webhook gave up on event {} after {} attempt(s): {}",
                        e.id(),
                        attempt,
                        error != null ? error.toString() : "HTTP " + status);
                return;
            }
            long delay = backoffMillis(attempt);
            log.debug(
                    "security event webhook attempt {} for {} failed ({}); retrying in {} ms",
                    attempt,
                    e.id(),
                    error != null ? error.toString() : "HTTP " + status,
                    delay);
            try {
                scheduler.schedule(() -> attempt(request, e, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                failed.incrementAndGet();
                pending.decrementAndGet();
            }
        });
    }

    /** initial * 2^(attempt-1), capped, with up to 20% jitter so many instances do not retry in step. */
    long backoffMillis(int attempt) {
        long base = settings.webhookInitialBackoff().toMillis();
        long max = settings.webhookMaxBackoff().toMillis();
        long d = attempt >= 62 ? max : Math.min(max, base << Math.min(attempt - 1, 30));
        return d + (long) (d * 0.2 * ThreadLocalRandom.current().nextDouble());
    }

    static String body(SecurityEvent e) {
        StringBuilder text = new StringBuilder()
                .append('[')
                .append(EventJson.severity(e.severity()))
                .append("] ")
                .append(e.type().code());
        e.user().ifPresent(u -> text.append(" user=").append(u));
        e.ip().ifPresent(ip -> text.append(" ip=").append(ip));
        e.reason().ifPresent(r -> text.append(" reason=").append(r));
        text.append(" at ").append(e.time()).append(" (event ").append(e.id()).append(')');
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("text", text.toString());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
    }
}
