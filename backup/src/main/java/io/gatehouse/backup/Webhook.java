package io.gatehouse.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a Slack-compatible message ({@code {"text": "..."}}) on success and failure. A failed
 * notice is logged, never fails the backup; the URL (it holds a secret) is never logged.
 */
final class Webhook {
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Webhook(URI url) {
        this.url = url;
    }

    void send(String text) {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("text", text))))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                LOG.warn("backup webhook answered HTTP {}", r.statusCode());
            }
        } catch (IOException e) {
            LOG.warn("backup webhook failed: {}", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
