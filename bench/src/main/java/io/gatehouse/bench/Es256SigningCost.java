package io.gatehouse.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;

/**
 * What one ES256 JWT costs on this machine, one thread, microseconds per operation, in alternating
 * rounds: signed through Nimbus's {@code ECDSASigner} (what the library uses: a new JCA Signature per
 * call, DER transcoded to JOSE form), signed with the JDK directly ({@code SHA256withECDSAinP1363Format},
 * one Signature reused: the alternative that was measured and brought nothing), and verified with
 * Nimbus's {@code ECDSAVerifier} (what a refresh no longer does when the rotation script matches the
 * token's hash).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.Es256SigningCost [rounds] [seconds per measurement]</pre>
 */
public final class Es256SigningCost {
    private Es256SigningCost() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWSSigner nimbus = new ECDSASigner(key);
        JWSVerifier verifier = new ECDSAVerifier(key.toPublicJWK());
        ECPrivateKey priv = key.toECPrivateKey();
        Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
        JWTClaimsSet claims = BenchTokens.sampleAccessClaims();
        SignedJWT sample = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(), claims);
        sample.sign(nimbus);
        String token = sample.serialize();
        long budget = (long) (seconds * 1e9);
        System.out.printf(
                "JDK %s, one thread, %d rounds of %.1f s per measurement (the first rounds are JIT warm-up)%n",
                Runtime.version(), rounds, seconds);
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - t0 < budget) {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(), claims);
                jwt.sign(nimbus);
                jwt.serialize();
                n++;
            }
            double nimbusUs = (System.nanoTime() - t0) / 1e3 / n;
            t0 = System.nanoTime();
            n = 0;
            while (System.nanoTime() - t0 < budget) {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(), claims);
                byte[] input = jwt.getSigningInput();
                jdk.initSign(priv);
                jdk.update(input);
                String out = new String(input, java.nio.charset.StandardCharsets.US_ASCII) + "."
                        + Base64URL.encode(jdk.sign());
                if (out.isEmpty()) {
                    throw new IllegalStateException();
                }
                n++;
            }
            double jdkUs = (System.nanoTime() - t0) / 1e3 / n;
            t0 = System.nanoTime();
            n = 0;
            while (System.nanoTime() - t0 < budget) {
                if (!SignedJWT.parse(token).verify(verifier)) {
                    throw new IllegalStateException("does not verify");
                }
                n++;
            }
            double verifyUs = (System.nanoTime() - t0) / 1e3 / n;
            System.out.printf(
                    "round %d: sign via Nimbus ECDSASigner %.1f us, sign via JDK P1363 per-thread Signature %.1f us"
                            + " (%.2fx), Nimbus verify %.1f us (%.1f signatures)   load %s%n",
                    round,
                    nimbusUs,
                    jdkUs,
                    nimbusUs / jdkUs,
                    verifyUs,
                    verifyUs / jdkUs,
                    RefreshRotationThroughput.loadAverage());
        }
    }
}
