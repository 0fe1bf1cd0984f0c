package io.gatehouse.bench;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;

/**
 * The two ES256 engines ({@code gatehouse.tokens.es256-engine}) side by side on one thread, microseconds
 * per operation, in alternating rounds: a bare JWT signed through Nimbus's writer with each engine's ECDSA
 * underneath, and {@link TokenService#verify} of an access token with the verification cache off (so each
 * call verifies the signature; the rest of verify, claims and the local revocation check, is the same for
 * both). The first rounds are JIT warm-up.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.Es256EngineCost [rounds] [seconds per measurement]</pre>
 */
public final class Es256EngineCost {
    private Es256EngineCost() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        long budget = (long) (seconds * 1e9);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("calibration").generate();
        JWSSigner jdkSigner = new ECDSASigner(key);
        JWSSigner bcSigner = BenchTokens.bouncyCastleEs256(key);
        JWTClaimsSet claims = BenchTokens.sampleAccessClaims();
        System.out.printf(
                "JDK %s, one thread, %d rounds of %.1f s per measurement, load %s%n",
                Runtime.version(), rounds, seconds, RefreshRotationThroughput.loadAverage());
        try (TokenService jdk = service("jdk");
                TokenService bc = service("bouncycastle")) {
            String jdkToken = jdk.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
            String bcToken = bc.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
            for (int round = 1; round <= rounds; round++) {
                double signJdk = perOp(budget, () -> BenchTokens.signBare(jdkSigner, claims));
                double signBc = perOp(budget, () -> BenchTokens.signBare(bcSigner, claims));
                double verifyJdk = perOp(budget, () -> jdk.verify(jdkToken));
                double verifyBc = perOp(budget, () -> bc.verify(bcToken));
                System.out.printf(
                        "round %d: sign jdk %.1f us, bouncycastle %.1f us (%.2fx); verify jdk %.1f us, bouncycastle %.1f us"
                                + " (%.2fx)   load %s%n",
                        round,
                        signJdk,
                        signBc,
                        signJdk / signBc,
                        verifyJdk,
                        verifyBc,
                        verifyJdk / verifyBc,
                        RefreshRotationThroughput.loadAverage());
            }
        }
    }

    private static TokenService service(String engine) {
        return TokenService.builder()
                .config(GatehouseConfig.builder()
                        .set("gatehouse.tokens.keys.store", "memory")
                        .set("gatehouse.tokens.verify-cache-size", "0")
                        .set("gatehouse.tokens.es256-engine", engine)
                        .build())
                .build();
    }

    /** An operation that may throw; its result is kept from the JIT by the loop's check. */
    private interface Op {
        Object run() throws Exception;
    }

    private static double perOp(long budgetNs, Op op) throws Exception {
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < budgetNs) {
            if (op.run() == null) {
                throw new IllegalStateException("no result");
            }
            n++;
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }
}
