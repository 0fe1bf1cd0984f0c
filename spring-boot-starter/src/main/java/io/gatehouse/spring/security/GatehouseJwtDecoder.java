package io.gatehouse.spring.security;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenService;
import java.text.ParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * A {@link JwtDecoder} that accepts only access tokens Gatehouse would accept: signature (keys read from the
 * shared key store, no JWKS request), type, algorithm, issuer, audience, lifetime, and the revocation check
 * (token, session, family, user not-before) answered from this process's memory, which the revocation
 * stream in Redis keeps current. No request leaves the process per token.
 *
 * <p>A refused token is a {@link BadJwtException} (401, {@code invalid_token}); a revocation state past its
 * staleness budget under the fail-closed policy is a {@link RevocationUnknownException} (503).
 */
public final class GatehouseJwtDecoder implements JwtDecoder {
    private final TokenService tokens;

    public GatehouseJwtDecoder(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Jwt decode(String token) {
        try {
            tokens.verify(token);
        } catch (TokenRejectedException e) {
            if (e.reason() == RejectReason.REVOCATION_UNKNOWN) {
                throw new RevocationUnknownException();
            }
            throw new BadJwtException(e.reason().clientDescription());
        }
        try {
            return toJwt(token, JWTParser.parse(token));
        } catch (ParseException e) {
            throw new BadJwtException("the access token is not valid");
        }
    }

    /** Spring's {@link Jwt} of a token already verified: its headers and claims, dates as instants. */
    static Jwt toJwt(String token, JWT parsed) throws ParseException {
        Map<String, Object> headers = new LinkedHashMap<>(parsed.getHeader().toJSONObject());
        Map<String, Object> claims =
                new LinkedHashMap<>(parsed.getJWTClaimsSet().getClaims());
        claims.replaceAll((k, v) -> v instanceof Date d ? d.toInstant() : v);
        return Jwt.withTokenValue(token)
                .headers(h -> h.putAll(headers))
                .claims(c -> c.putAll(claims))
                .build();
    }
}
