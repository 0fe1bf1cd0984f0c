package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.session.SessionStore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A check on {@code SessionBench}'s single-thread get figures for a machine whose load changes during
 * a run: JMH measures one benchmark after the other, minutes apart, so a load shift between the two
 * trials shows up as a ratio. Here both sides read in alternating rounds of 20,000 random gets from
 * one thread, on the same Redis, in the same process, and each round prints the mean latency of both.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.SessionGetAlternating [rounds=10]</pre>
 */
public final class SessionGetAlternating {
    private SessionGetAlternating() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int n = 10_000;
        int perRound = 20_000;
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores();
                SpringSessionPeer spring = new SpringSessionPeer(redis.url())) {
            SessionStore gatehouse = SessionWorkload.gatehouse(stores);
            String[] ours = new String[n];
            String[] theirs = new String[n];
            for (int i = 0; i < n; i++) {
                ours[i] = gatehouse
                        .create(SessionWorkload.login(SessionWorkload.user(i)))
                        .id();
                theirs[i] = spring.create(
                        SessionWorkload.user(i),
                        SessionWorkload.ip(),
                        SessionWorkload.userAgent(),
                        SessionWorkload.fingerprint());
            }
            int oursFaster = 0;
            double sumRatio = 0;
            for (int round = 1; round <= rounds; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    if (gatehouse
                            .get(ours[ThreadLocalRandom.current().nextInt(n)])
                            .isEmpty()) {
                        throw new IllegalStateException("gatehouse lost a session");
                    }
                }
                double g = (System.nanoTime() - t) / (perRound * 1e3);
                t = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    if (spring.get(theirs[ThreadLocalRandom.current().nextInt(n)]) == null) {
                        throw new IllegalStateException("spring session lost a session");
                    }
                }
                double s = (System.nanoTime() - t) / (perRound * 1e3);
                oursFaster += g < s ? 1 : 0;
                sumRatio += s / g;
                System.out.printf(
                        "round %2d: gatehouse get %.1f us, spring-session findById %.1f us, ratio %.2fx%n",
                        round, g, s, s / g);
            }
            System.out.printf(
                    "gatehouse faster in %d of %d rounds; mean ratio (spring time / gatehouse time) %.2fx%n",
                    oursFaster, rounds, sumRatio / rounds);
        }
    }
}
