package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.server.http.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An off-the-shelf resource server set up with nothing but the issuer URL accepts Gatehouse's access tokens:
 * RFC 8414 discovery, {@code issuer} equal to {@code iss}, key found by {@code kid} with its {@code alg},
 * JOSE {@code typ} JWT. The resource server is Nimbus's {@link DefaultJWTProcessor} with a remote JWK source.
 */
class InteropIntegrationTest {
    @Test
    void aResourceServerConfiguredOnlyWithTheIssuerUrlAcceptsOurAccessTokens(@TempDir Path dataDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + port;
        try (AuthClient api = AuthClient.start(
                AuthClient.Store.MEMORY,
                dataDir,
                Map.of("gatehouse.server.port", Integer.toString(port), "gatehouse.server.public-url", issuer))) {
            JsonNode tokens = api.login(api.registerUser());
            String access = tokens.path("access_token").asText();

            // Standard discovery (RFC 8414 §3): /.well-known/oauth-authorization-server under the issuer.
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(issuer + "/.well-known/oauth-authorization-server"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode metadata = TestServer.json(r);
            assertThat(metadata.path("issuer").asText()).isEqualTo(issuer);

            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(
                            URI.create(metadata.path("jwks_uri").asText()).toURL())
                    .retrying(true)
                    .build();
            Set<JWSAlgorithm> algs = new HashSet<>();
            metadata.path("access_token_signing_alg_values_supported")
                    .forEach(a -> algs.add(JWSAlgorithm.parse(a.asText())));
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, keys));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder()
                            .issuer(metadata.path("issuer").asText())
                            .build(),
                    Set.of("sub", "exp", "iat", "jti")));

            JWTClaimsSet claims = processor.process(access, null);
            assertThat(claims.getIssuer()).isEqualTo(issuer);
            assertThat(claims.getSubject()).isEqualTo(AuthApiIntegrationTest.userId(tokens));
            assertThat(claims.getStringListClaim("roles")).containsExactly("user");

            // And it is a real check: a token with a tampered payload is refused.
            String[] parts = access.split("\\.");
            String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
            assertThatThrownBy(() -> processor.process(forged, null)).isInstanceOf(Exception.class);
            // The refresh token is opaque: not even a JWT to a resource server (nothing to verify with the JWKS).
            assertThatThrownBy(
                            () -> processor.process(tokens.path("refresh_token").asText(), null))
                    .isInstanceOfAny(BadJOSEException.class, java.text.ParseException.class);
        }
    }
}
