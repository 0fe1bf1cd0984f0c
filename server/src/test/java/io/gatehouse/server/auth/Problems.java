package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpResponse;

/** Assertions on RFC 9457 problem and RFC 6749 error responses. */
final class Problems {
    private Problems() {}

    static JsonNode assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode p = TestServer.json(r);
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("title").asText()).isNotBlank();
        assertThat(p.path("type").asText()).isNotBlank();
        assertThat(p.path("request_id").asText()).isNotBlank();
        return p;
    }

    /** An RFC 6749 §5.2 error: status, {@code error} code, JSON, {@code Cache-Control: no-store}. */
    static JsonNode assertOAuthError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode e = TestServer.json(r);
        assertThat(e.path("error").asText()).isEqualTo(error);
        if (status == 401) {
            assertThat(r.headers().firstValue("WWW-Authenticate"))
                    .get()
                    .asString()
                    .startsWith("Basic realm=");
        }
        return e;
    }
}
