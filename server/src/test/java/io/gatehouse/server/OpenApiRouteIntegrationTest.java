package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatehouse.server.console.Console;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every registered API route is documented in /openapi.yaml, and every documented operation is registered. */
class OpenApiRouteIntegrationTest {
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @Test
    void documentAndRoutesMatchExactly(@TempDir Path dataDir) throws Exception {
        try (TestServer server = TestServer.start(dataDir, Map.of())) {
            HttpResponse<String> r = server.get("/openapi.yaml");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/yaml");
            JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.body());
            assertThat(doc.path("openapi").asText()).startsWith("3.1");

            Set<String> documented = new TreeSet<>();
            Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(m -> {
                    if (METHODS.contains(m)) {
                        documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                });
            }
            Set<String> registered = new TreeSet<>();
            // The web console's pages and its browser-only JSON (cookie + CSRF, same origin) are not the public
            // API: openapi.yaml documents the API only (docs/CONSOLE.md lists the console's routes).
            server.server().routes().stream()
                    .filter(route -> !Console.owns(route.template()))
                    .forEach(route -> registered.add(route.method() + " " + route.template()));

            assertThat(registered).isNotEmpty().contains("POST /api/v1/auth/register", "GET /metrics");
            assertThat(documented).isEqualTo(registered);
        }
    }
}
