package io.gatehouse.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.auth.ClientCredentials;
import io.gatehouse.server.auth.ClientRegistry;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health details and metrics are for monitoring clients; liveness and readiness stay public. */
class MonitorAccessTest {
    private static final ClientCredentials PROMETHEUS =
            new ClientCredentials("prometheus", ClientRegistry.generateSecret());
    private static final ClientCredentials GATEWAY = new ClientCredentials("gateway", ClientRegistry.generateSecret());

    @Test
    void healthDetailsNeedMonitorScope(@TempDir Path dir) {
        try (TestServer server = TestServer.start(
                dir,
                Map.of(
                        "gatehouse.server.monitor-access", "client",
                        "gatehouse.server.clients", "prometheus,gateway",
                        "gatehouse.server.client.prometheus.secret-hash",
                                ClientRegistry.hashSecret(PROMETHEUS.secret()),
                        "gatehouse.server.client.prometheus.scopes", "monitor",
                        "gatehouse.server.client.gateway.secret-hash", ClientRegistry.hashSecret(GATEWAY.secret()),
                        "gatehouse.server.client.gateway.scopes", "introspect"))) {
            for (String open : new String[] {"/health/live", "/health/ready"}) {
                assertThat(server.get(open).statusCode()).as(open).isEqualTo(200);
            }
            for (String detail : new String[] {
                "/health", "/health/redis", "/health/database", "/health/system", "/health/cache", "/metrics"
            }) {
                HttpResponse<String> anonymous = server.get(detail);
                assertThat(anonymous.statusCode()).as(detail).isEqualTo(401);
                assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                        .get()
                        .asString()
                        .startsWith("Basic ");
                assertThat(anonymous.body()).doesNotContain("jdbc:").doesNotContain("heap");
                assertThat(as(server, detail, GATEWAY).statusCode())
                        .as(detail + " without the scope")
                        .isEqualTo(403);
                assertThat(as(server, detail, PROMETHEUS).statusCode())
                        .as(detail + " as monitor")
                        .isIn(200, 503);
            }
            assertThat(as(server, "/metrics", PROMETHEUS).body()).contains("jvm_memory_used_bytes");
        }
    }

    private static HttpResponse<String> as(TestServer server, String path, ClientCredentials client) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", client.toBasicHeader()));
    }
}
