package io.gatehouse.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gatehouse;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;

/**
 * The example application on Gatehouse in memory (no Redis): one context for every test here. Tokens are
 * issued by the application's own Gatehouse (a library user issuing its tokens).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "gatehouse.data-dir=target/example-app-test-data")
class ExampleAppTest {
    @LocalServerPort
    int port;

    @Autowired
    Gatehouse gatehouse;

    @Autowired
    CacheManager cacheManager;

    @Autowired
    ProductCatalog catalog;

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void withoutATokenTheApiAnswersABareBearerChallenge() {
        HttpResponse<String> r = Http.get(url("/api/me"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gatehouse\"");
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.body()).contains("urn:gatehouse:problem:unauthenticated");
    }

    @Test
    void aTokenNotIssuedHereIsInvalidToken() {
        HttpResponse<String> r = Http.get(url("/api/me"), "Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.x");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue(
                        "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"the access token is not valid\"");
        assertThat(r.body()).contains("urn:gatehouse:problem:invalid-token");
    }

    @Test
    void aGoodTokenAuthenticatesWithRolesAsAuthoritiesAndARevokedSessionIsRefused() {
        TokenPair pair =
                gatehouse.tokens().issue(TokenRequest.of("user-7", "sess-7").roles("admin"));
        String bearer = "Bearer " + pair.accessToken();
        HttpResponse<String> me = Http.get(url("/api/me"), "Authorization", bearer);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).contains("\"subject\":\"user-7\"").contains("ROLE_admin");
        assertThat(Http.get(url("/api/admin/stats"), "Authorization", bearer).statusCode())
                .isEqualTo(200);

        gatehouse.tokens().revokeSession("sess-7", "test", Instant.now().plus(1, ChronoUnit.DAYS));
        HttpResponse<String> refused = Http.get(url("/api/me"), "Authorization", bearer);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .hasValue(
                        "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"the access token has been revoked\"");
    }

    @Test
    void aUserWithoutTheRoleIsForbidden() {
        TokenPair pair =
                gatehouse.tokens().issue(TokenRequest.of("user-8", "sess-8").roles("user"));
        assertThat(Http.get(url("/api/admin/stats"), "Authorization", "Bearer " + pair.accessToken())
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void rateLimitedHandlersAnswer429WithTheServersHeaders() {
        HttpResponse<String> first = Http.get(url("/public/limited"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"example\";q=3;w=60");
        assertThat(first.headers().firstValue("RateLimit"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("\"example\";r=2;t="));
        Http.get(url("/public/limited"));
        Http.get(url("/public/limited"));
        HttpResponse<String> refused = Http.get(url("/public/limited"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(refused.body())
                .contains("urn:gatehouse:problem:rate-limited")
                .contains("\"policy\":\"example\"");
    }

    @Test
    void formLoginKeepsTheHttpSessionInGatehouse() {
        HttpResponse<String> login = Http.postForm(url("/login"), "username=ann&password=ann-password");
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = Http.sessionCookie(login).orElseThrow();
        assertThat(Http.postForm(url("/web/theme"), "theme=dark", "Cookie", cookie)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> me = Http.get(url("/web/me"), "Cookie", cookie);
        assertThat(me.body()).contains("\"user\":\"ann\"").contains("\"theme\":\"dark\"");
        assertThat(gatehouse.sessions().list("ann"))
                .hasSize(1)
                .allSatisfy(s -> assertThat(s.attributes())
                        .containsEntry("theme", "sdark")
                        .containsKey("sc"));
        assertThat(Http.get(url("/web/me")).statusCode()).isEqualTo(401);
    }

    @Test
    void cacheableLoadsOnceAndClearDropsEverything() {
        long before = catalog.loads();
        assertThat(Http.get(url("/public/products/p1")).body()).contains("\"name\":\"product p1\"");
        assertThat(Http.get(url("/public/products/p1")).body()).contains("\"name\":\"product p1\"");
        assertThat(catalog.loads()).isEqualTo(before + 1);
        cacheManager.getCache("products").clear();
        Http.get(url("/public/products/p1"));
        assertThat(catalog.loads()).isEqualTo(before + 2);
    }

    @Test
    void healthShowsGatehouseTargetsAndCapabilities() {
        HttpResponse<String> health = Http.get(url("/actuator/health"));
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body())
                .contains("\"gatehouse\"")
                .contains("\"redis-0\"")
                .contains("\"revocation\"")
                .contains("\"rate-limits\"");
    }

    @Test
    void gatehouseMetersAreInTheApplicationsRegistry() {
        String cookie = Http.sessionCookie(Http.postForm(url("/login"), "username=bob&password=bob-password"))
                .orElseThrow();
        HttpResponse<String> created = Http.get(url("/actuator/metrics/gatehouse.sessions.created"), "Cookie", cookie);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).contains("\"COUNT\"");
        assertThat(Http.get(url("/actuator/metrics/gatehouse.revocation.state.age"), "Cookie", cookie)
                        .statusCode())
                .isEqualTo(200);
    }
}
