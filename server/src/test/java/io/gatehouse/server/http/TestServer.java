package io.gatehouse.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.server.GatehouseServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** An in-process server on a free port with an in-memory H2 and cheap Argon2id, plus an HTTP client for it. */
public final class TestServer implements AutoCloseable {
    /** The signing-key encryption key of test servers (32 bytes, base64). */
    public static final String KEY_ENCRYPTION_KEY = "dGVzdC1rZXktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=";
    /** The second-factor key of test servers (32 bytes, base64): instances sharing a database must share it. */
    public static final String MFA_KEY = "bWZhLXRlc3Qta2V5LW1mYS10ZXN0LWtleS0zMmJ5dGU=";

    private final GatehouseServer server;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(GatehouseServer server) {
        this.server = server;
    }

    public static TestServer start(Path dataDir, Map<String, String> extra) {
        return start(dataDir, extra, java.time.Clock.systemUTC());
    }

    /** A test server whose every capability reads {@code clock} (move it instead of waiting). */
    public static TestServer start(Path dataDir, Map<String, String> extra, java.time.Clock clock) {
        GatehouseConfig.Builder b = GatehouseConfig.builder()
                .dataDir(dataDir)
                .set("gatehouse.server.port", "0")
                .set("gatehouse.db.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                // Closing waits for the revocation reader's blocking read (1 s by default) to return: 200 ms
                // keeps that wait short in a test that opens an instance per test (docs/TESTING.md).
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                // The same key for every test server: instances sharing a Redis must read each other's keys.
                .set("gatehouse.tokens.keys.encryption-key", KEY_ENCRYPTION_KEY)
                .set("gatehouse.mfa.encryption-key", MFA_KEY)
                // Tests read health details and metrics without credentials; MonitorAccessTest checks the default.
                .set("gatehouse.server.monitor-access", "public");
        extra.forEach(b::set);
        return new TestServer(GatehouseServer.start(b.build(), clock));
    }

    public GatehouseServer server() {
        return server;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
