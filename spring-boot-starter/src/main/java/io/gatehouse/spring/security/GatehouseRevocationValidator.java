package io.gatehouse.spring.security;

import io.gatehouse.token.RevocationStatus;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.TokenUse;
import io.gatehouse.token.VerifiedToken;
import java.time.Instant;
import java.util.List;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * For applications that keep their own {@code NimbusJwtDecoder} (keys from the server's JWKS URL, say): adds
 * Gatehouse's in-memory revocation check to it.
 *
 * <pre>{@code
 * NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri).build();
 * decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
 *         JwtValidators.createDefaultWithIssuer(issuer), new GatehouseRevocationValidator(gatehouse.tokens())));
 * }</pre>
 *
 * A revoked token fails validation (401); a state past its staleness budget under fail-closed throws
 * {@link RevocationUnknownException} (503).
 */
public final class GatehouseRevocationValidator implements OAuth2TokenValidator<Jwt> {
    private final TokenService tokens;

    public GatehouseRevocationValidator(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        RevocationStatus status = tokens.check(toVerified(jwt));
        if (status == RevocationStatus.VALID) {
            return OAuth2TokenValidatorResult.success();
        }
        if (status == RevocationStatus.UNKNOWN) {
            throw new RevocationUnknownException();
        }
        return OAuth2TokenValidatorResult.failure(
                new OAuth2Error("invalid_token", "the access token has been revoked", null));
    }

    /** The claims the revocation check reads; {@code iat_ms} (milliseconds) when the token has it. */
    static VerifiedToken toVerified(Jwt jwt) {
        Object ms = jwt.getClaims().get("iat_ms");
        Instant issued = ms instanceof Number n
                ? Instant.ofEpochMilli(n.longValue())
                : jwt.getIssuedAt() != null ? jwt.getIssuedAt() : Instant.EPOCH;
        Instant expires = jwt.getExpiresAt() != null ? jwt.getExpiresAt() : Instant.MAX;
        String kid = (String) jwt.getHeaders().getOrDefault("kid", "");
        return new VerifiedToken(
                TokenUse.ACCESS,
                kid,
                nonNull(jwt.getId()),
                nonNull(jwt.getSubject()),
                nonNull(jwt.getClaimAsString("sid")),
                nonNull(jwt.getClaimAsString("fam")),
                issued,
                expires,
                List.of(),
                List.of());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
