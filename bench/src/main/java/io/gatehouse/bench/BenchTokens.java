package io.gatehouse.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.backend.Stores;
import java.util.Date;
import java.util.List;

/** Stores for the token benchmarks. */
final class BenchTokens {
    private BenchTokens() {}

    /**
     * Stores with a 10 s command timeout: the setup writes 100,000 revocations in 500-entry scripts,
     * which on a machine shared with other benchmarks can exceed the default 1 s. Measured calls are
     * unaffected (a timeout only bounds waiting).
     */
    static Stores stores(BenchRedis redis) {
        return Stores.open(redis.config().toBuilder()
                .set("gatehouse.redis.command-timeout", "10s")
                .build());
    }

    /** The claims of a typical access token, for the bare-signature baselines (Nimbus's own JWT writer signs them). */
    static JWTClaimsSet sampleAccessClaims() {
        return new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .subject("user-1")
                .audience("gatehouse")
                .jwtID("0123456789abcdefghijkl")
                .claim("sid", "sess-1")
                .claim("fam", "fam-1")
                .claim("token_use", "access")
                .claim("roles", List.of("user"))
                .claim("permissions", List.of())
                .issueTime(new Date())
                .expirationTime(new Date())
                .build();
    }

    /** One bare ES256 JWT the way Nimbus writes it (header built, claims serialised, signed, compact form). */
    static String signBare(JWSSigner signer, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("calibration").build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
