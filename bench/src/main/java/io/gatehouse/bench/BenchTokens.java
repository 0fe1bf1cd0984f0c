package io.gatehouse.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.backend.Stores;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.util.BigIntegers;

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

    /**
     * A Nimbus {@link JWSSigner} whose ECDSA is Bouncy Castle's, as Gatehouse's default engine computes it
     * ({@code gatehouse.tokens.es256-engine=bouncycastle}), for the second bare-signature baseline: the
     * same JWT writing as {@link #signBare} with the other engine underneath. One engine per thread.
     */
    static JWSSigner bouncyCastleEs256(ECKey key) throws JOSEException {
        X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
        ECDomainParameters domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
        ECPrivateKeyParameters d =
                new ECPrivateKeyParameters(key.toECPrivateKey().getS(), domain);
        ThreadLocal<ECDSASigner> engines = ThreadLocal.withInitial(() -> {
            ECDSASigner s = new ECDSASigner();
            s.init(true, new ParametersWithRandom(d, new SecureRandom()));
            return s;
        });
        return new JWSSigner() {
            @Override
            public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
                try {
                    byte[] hash = MessageDigest.getInstance("SHA-256").digest(signingInput);
                    BigInteger[] rs = engines.get().generateSignature(hash);
                    byte[] out = new byte[64];
                    BigIntegers.asUnsignedByteArray(rs[0], out, 0, 32);
                    BigIntegers.asUnsignedByteArray(rs[1], out, 32, 32);
                    return Base64URL.encode(out);
                } catch (NoSuchAlgorithmException e) {
                    throw new JOSEException(e.getMessage(), e);
                }
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return Set.of(JWSAlgorithm.ES256);
            }

            @Override
            public JCAContext getJCAContext() {
                return new JCAContext();
            }
        };
    }
}
