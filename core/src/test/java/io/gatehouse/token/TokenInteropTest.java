package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.config.GatehouseConfig;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an off-the-shelf resource server does with nothing but the issuer: fetch the JWKS, pick the key
 * by kid and alg, check typ JWT, iss and exp. Played here by Nimbus's stock DefaultJWTProcessor, as
 * Spring Security's NimbusJwtDecoder uses it. Every algorithm round-trips through our own verify too.
 */
class TokenInteropTest {

    private static TokenService service(SigningAlgorithm alg) {
        GatehouseConfig config = GatehouseConfig.builder()
                .set("gatehouse.tokens.algorithm", alg.name())
                .set("gatehouse.tokens.keys.store", "memory")
                .set("gatehouse.tokens.issuer", "https://auth.example.test")
                .set("gatehouse.tokens.refresh.format", "jwt")
                .build();
        return TokenService.builder().config(config).build();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void everyAlgorithmIssuesTokensThatVerify(SigningAlgorithm alg) throws Exception {
        try (TokenService tokens = service(alg)) {
            TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1").roles("admin"));

            assertThat(tokens.verify(pair.accessToken()).roles()).containsExactly("admin");
            SignedJWT jwt = SignedJWT.parse(pair.accessToken());
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg.jws());
            assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(tokens.activeKeyId());
            JWK published = JWKSet.parse(tokens.jwks()).getKeyByKeyId(tokens.activeKeyId());
            assertThat(published.getAlgorithm()).isEqualTo(alg.jws());
            assertThat(published.isPrivate()).isFalse();
            if (alg == SigningAlgorithm.EDDSA) {
                // Nimbus verifies Ed25519 only with Tink; check the published key with the JDK instead
                assertThat(jwt.verify(JdkEd25519.verifier((OctetKeyPair) published)))
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = SigningAlgorithm.class,
            names = {"ES256", "RS256"})
    void aStockJwtProcessorAcceptsOurAccessTokensFromTheJwksAlone(SigningAlgorithm alg) throws Exception {
        try (TokenService tokens = service(alg)) {
            String access = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();

            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                    new ImmutableJWKSet<>(JWKSet.parse(tokens.jwks()))));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder().issuer(tokens.issuer()).build(), Set.of("sub", "exp", "iat", "jti")));
            JWTClaimsSet claims = processor.process(access, null);

            assertThat(claims.getIssuer()).isEqualTo("https://auth.example.test");
            assertThat(claims.getSubject()).isEqualTo("user-1");
            assertThat(claims.getStringClaim("sid")).isEqualTo("sess-1");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = SigningAlgorithm.class,
            names = {"ES256", "RS256"})
    void aStockJwtProcessorRefusesOurJwtRefreshTokensThoughTheySignWithTheSameKeys(SigningAlgorithm alg)
            throws Exception {
        try (TokenService tokens = service(alg)) {
            String refresh = tokens.issue(TokenRequest.of("user-1", "sess-1")).refreshToken();
            assertThat(SignedJWT.parse(refresh).getHeader().getType()).isEqualTo(TokenCodec.REFRESH_TYPE);

            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                    new ImmutableJWKSet<>(JWKSet.parse(tokens.jwks()))));
            // the stock type check (typ JWT or none) is what keeps a refresh token from passing as an access token
            assertThatThrownBy(() -> processor.process(refresh, null))
                    .isInstanceOf(BadJOSEException.class)
                    .hasMessageContaining("type");
            assertThat(tokens.verifyRefresh(refresh).subject()).isEqualTo("user-1");
        }
    }

    @org.junit.jupiter.api.Test
    void bothEs256EnginesSignWithTheSameKeysAndAcceptEachOthersTokens(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // switching gatehouse.tokens.es256-engine is a restart with the same key set: nothing to migrate
        GatehouseConfig.Builder base = GatehouseConfig.builder()
                .set("gatehouse.tokens.keys.store", "file")
                .set("gatehouse.tokens.keys.file", dir.resolve("keys.json").toString())
                .set("gatehouse.tokens.issuer", "https://auth.example.test");
        try (TokenService bc = TokenService.builder()
                        .config(base.set("gatehouse.tokens.es256-engine", "bouncycastle")
                                .build())
                        .build();
                TokenService jdk = TokenService.builder()
                        .config(base.set("gatehouse.tokens.es256-engine", "jdk").build())
                        .build()) {
            assertThat(jdk.activeKeyId()).isEqualTo(bc.activeKeyId());
            String fromBc = bc.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
            String fromJdk = jdk.issue(TokenRequest.of("user-2", "sess-2")).accessToken();

            assertThat(jdk.verify(fromBc).subject()).isEqualTo("user-1");
            assertThat(bc.verify(fromJdk).subject()).isEqualTo("user-2");
        }
    }
}
