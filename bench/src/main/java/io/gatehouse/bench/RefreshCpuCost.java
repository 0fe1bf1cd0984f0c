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
import java.lang.management.ManagementFactory;

/**
 * The Java side of a refresh in CPU time, one thread, the refresh store in memory (no Redis, no
 * Lettuce), alternating with bare Nimbus ES256 signatures on the same thread: CPU microseconds and bytes
 * allocated per refresh and per signature, and their difference, the refresh's own cost around its one
 * signature. Thread CPU time of one thread barely moves with the other users' load, unlike a rate, so
 * this is the figure to compare two builds of the token path on a busy machine
 * ({@link RefreshRotationThroughput} measures the whole refresh, Redis included).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RefreshCpuCost [rounds] [refreshes per round]</pre>
 */
public final class RefreshCpuCost {
    private RefreshCpuCost() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GatehouseConfig config = GatehouseConfig.builder()
                .set("gatehouse.tokens.keys.store", "memory")
                .build();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("calibration").generate();
        JWSSigner signer = new ECDSASigner(key);
        JWTClaimsSet claims = BenchTokens.sampleAccessClaims();
        System.out.printf(
                "JDK %s, one thread, %d refreshes per round, load average at start %s%n",
                Runtime.version(), n, RefreshRotationThroughput.loadAverage());
        try (TokenService tokens = TokenService.builder().config(config).build()) {
            String refresh = tokens.issue(TokenRequest.of("user-1", "sess-1").roles("user"))
                    .refreshToken();
            for (int round = 1; round <= rounds; round++) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long mem0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    refresh = tokens.refresh(refresh).refreshToken();
                }
                double refreshUs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
                double refreshBytes = (threads.getCurrentThreadAllocatedBytes() - mem0) / (double) n;
                cpu0 = threads.getCurrentThreadCpuTime();
                mem0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    BenchTokens.signBare(signer, claims);
                }
                double signUs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
                double signBytes = (threads.getCurrentThreadAllocatedBytes() - mem0) / (double) n;
                System.out.printf(
                        "  round %d  refresh %.1f us CPU, %.0f B allocated   bare ES256 %.1f us, %.0f B"
                                + "   refresh - signature %.1f us   load %s%n",
                        round,
                        refreshUs,
                        refreshBytes,
                        signUs,
                        signBytes,
                        refreshUs - signUs,
                        RefreshRotationThroughput.loadAverage());
            }
        }
    }
}
