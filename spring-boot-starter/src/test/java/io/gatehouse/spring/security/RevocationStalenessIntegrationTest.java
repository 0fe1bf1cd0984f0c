package io.gatehouse.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.StandaloneRedis;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * The decoder over a Gatehouse on its own Redis: good, revoked, and, once Redis is gone for longer than the
 * staleness budget (fail-closed), "cannot decide", which the entry point answers 503 rather than 401.
 */
class RevocationStalenessIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void revokedIs401AndAStaleRevocationStateIs503() throws Exception {
        StandaloneRedis redis = StandaloneRedis.start();
        try (redis;
                Gatehouse gatehouse = Gatehouse.builder()
                        .config(GatehouseConfig.builder()
                                .dataDir(dataDir)
                                .redisUrl(redis.url())
                                .set("gatehouse.redis.command-timeout", "2s")
                                .set("gatehouse.tokens.revocation.staleness-budget", "1s")
                                .set("gatehouse.tokens.revocation.read-block", "200ms")
                                .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                                .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                                .build())
                        .withoutUsers()
                        .build()) {
            GatehouseJwtDecoder decoder = new GatehouseJwtDecoder(gatehouse.tokens());
            TokenPair good =
                    gatehouse.tokens().issue(TokenRequest.of("u1", "s1").roles("admin"));
            TokenPair revoked = gatehouse.tokens().issue(TokenRequest.of("u2", "s2"));
            assertThat(decoder.decode(good.accessToken()).getSubject()).isEqualTo("u1");
            assertThat(decoder.decode(good.accessToken()).getClaimAsStringList("roles"))
                    .containsExactly("admin");

            gatehouse.tokens().revokeSession("s2", "test", Instant.now().plus(Duration.ofDays(1)));
            assertThatThrownBy(() -> decoder.decode(revoked.accessToken()))
                    .isInstanceOf(BadJwtException.class)
                    .hasMessage("the access token has been revoked");
            MockHttpServletResponse unauthorized = new MockHttpServletResponse();
            new GatehouseBearerEntryPoint()
                    .commence(
                            new MockHttpServletRequest(),
                            unauthorized,
                            new InvalidBearerTokenException("the access token has been revoked"));
            assertThat(unauthorized.getStatus()).isEqualTo(401);
            assertThat(unauthorized.getHeader("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"gatehouse\", "
                            + "error=\"invalid_token\", error_description=\"the access token has been revoked\"");

            redis.close();
            RevocationUnknownException unknown = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                try {
                                    decoder.decode(good.accessToken());
                                    return null;
                                } catch (RevocationUnknownException e) {
                                    return e;
                                }
                            },
                            e -> e != null);
            MockHttpServletResponse unavailable = new MockHttpServletResponse();
            new GatehouseBearerEntryPoint()
                    .commence(new MockHttpServletRequest(), unavailable, (AuthenticationException) unknown);
            assertThat(unavailable.getStatus()).isEqualTo(503);
            assertThat(unavailable.getHeader("Retry-After")).isEqualTo("1");
            assertThat(unavailable.getHeader("WWW-Authenticate")).isNull();
            assertThat(unavailable.getContentAsString()).contains("urn:gatehouse:problem:unavailable");
            // A token already known to be revoked stays refused as revoked (401), stale or not.
            assertThatThrownBy(() -> decoder.decode(revoked.accessToken())).isInstanceOf(BadJwtException.class);
        }
    }
}
