package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.StoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The refresh family store's check-and-rotate rules on the in-memory store and every Redis topology. */
class RefreshStoreContractTest extends StoreContract {
    private static final long DAY = 86_400_000L;
    private final long t0 = System.currentTimeMillis();

    private RefreshStore store() {
        return backend.isRedis() ? new RedisRefreshStore(backend.connector()) : new InMemoryRefreshStore();
    }

    @Test
    void theCurrentTokenRotatesOnce() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);

        assertThat(s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
        assertThat(s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1, 10_000, DAY).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void theRetiredTokenGetsTheStoredSuccessorUntilTheWindowEndsThenIsReuse() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY);

        RefreshStore.Rotation retry = s.rotate("fam", "h1", "h2b", "sealed-2b", t0 + 10_000, 10_000, DAY);
        assertThat(retry.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
        assertThat(retry.sealedSuccessor()).isEqualTo("sealed-2");

        RefreshStore.Rotation late = s.rotate("fam", "h1", "h2c", "sealed-2c", t0 + 10_001, 10_000, DAY);
        assertThat(late.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(late.firstReuse()).isTrue();
        // once reused, the family is dead for everyone, including the current token, and says so again
        RefreshStore.Rotation current = s.rotate("fam", "h2", "h3", "sealed-3", t0 + 10_002, 10_000, DAY);
        assertThat(current.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(current.firstReuse()).isFalse();
    }

    @Test
    void aTokenTwoGenerationsOldIsReuseEvenInsideAWindow() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY);
        s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1000, 10_000, DAY);

        assertThat(s.rotate("fam", "h1", "x", "x", t0 + 2000, 10_000, DAY).outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
    }

    @Test
    void anUnknownFamilyOrHashChangesNothingElsewhere() {
        RefreshStore s = store();
        s.open("fam-a", "h1", t0, DAY);

        assertThat(s.rotate("fam-b", "h1", "h2", "x", t0, 10_000, DAY).outcome()).isEqualTo(RefreshStore.Outcome.UNKNOWN);
        assertThat(s.rotate("fam-a", "h1", "h2", "x", t0, 10_000, DAY).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void concurrentRotationsOfOneTokenRotateExactlyOnce() throws Exception {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<RefreshStore.Rotation>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String mine = "h2-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return s.rotate("fam", "h1", mine, "sealed-" + mine, t0, 10_000, DAY);
                }));
            }
            go.countDown();
            int rotated = 0;
            List<String> successors = new ArrayList<>();
            for (Future<RefreshStore.Rotation> f : results) {
                RefreshStore.Rotation r = f.get();
                if (r.outcome() == RefreshStore.Outcome.ROTATED) {
                    rotated++;
                } else {
                    assertThat(r.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
                    successors.add(r.sealedSuccessor());
                }
            }
            assertThat(rotated).isEqualTo(1);
            assertThat(successors).hasSize(49).containsOnly(successors.get(0));
        } finally {
            pool.shutdownNow();
        }
    }
}
