package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.DrbgParameters;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The token randomness: the JDK's DRBG at 256-bit strength, and independent output on every stripe. */
class RandomnessTest {
    @Test
    void generatorsAreDrbgsAt256BitStrength() {
        var g = Randomness.newDrbg();

        assertThat(g.getAlgorithm()).isEqualTo("DRBG");
        assertThat(g.getParameters()).isInstanceOf(DrbgParameters.Instantiation.class);
        assertThat(((DrbgParameters.Instantiation) g.getParameters()).getStrength())
                .isGreaterThanOrEqualTo(256);
    }

    @Test
    void drawsOnManyThreadsNeverRepeat() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        int threads = 32;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        byte[] b = new byte[16];
                        Randomness.nextBytes(b);
                        seen.add(HexFormat.of().formatHex(b));
                    }
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(seen).hasSize(threads * perThread);
    }
}
