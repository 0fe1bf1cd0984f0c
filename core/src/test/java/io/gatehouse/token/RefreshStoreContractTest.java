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

        assertThat(s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
        assertThat(s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1, 10_000, DAY, false).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void theRetiredTokenGetsTheStoredSuccessorUntilTheWindowEndsThenIsReuse() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false);

        RefreshStore.Rotation retry = s.rotate("fam", "h1", "h2b", "sealed-2b", t0 + 10_000, 10_000, DAY, false);
        assertThat(retry.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
        assertThat(retry.sealedSuccessor()).isEqualTo("sealed-2");

        RefreshStore.Rotation late = s.rotate("fam", "h1", "h2c", "sealed-2c", t0 + 10_001, 10_000, DAY, false);
        assertThat(late.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(late.firstReuse()).isTrue();
        // once reused, the family is dead for everyone, including the current token, and says so again
        RefreshStore.Rotation current = s.rotate("fam", "h2", "h3", "sealed-3", t0 + 10_002, 10_000, DAY, false);
        assertThat(current.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(current.firstReuse()).isFalse();
    }

    @Test
    void aTokenTwoGenerationsOldIsReuseEvenInsideAWindow() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false);
        s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1000, 10_000, DAY, false);

        // h1 is stored nowhere any more: by its hash alone it is indistinguishable from a forgery...
        assertThat(s.rotate("fam", "h1", "x", "x", t0 + 2000, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        // ...and once the caller has verified its signature, it is an authentic older generation: reuse
        RefreshStore.Rotation r = s.rotate("fam", "h1", "x", "x", t0 + 2000, 10_000, DAY, true);
        assertThat(r.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(r.firstReuse()).isTrue();
    }

    @Test
    void aHashNeverStoredChangesNothingUnlessTheSignatureWasVerified() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false);

        // a forgery naming the family, inside and after the grace window: no state change
        assertThat(s.rotate("fam", "forged", "h9", "x", t0 + 1, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        assertThat(s.rotate("fam", "forged", "h9", "x", t0 + 60_000, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        // the family is untouched: the retry still gets the successor, the current token still rotates
        RefreshStore.Rotation retry = s.rotate("fam", "h1", "h2b", "x", t0 + 2, 10_000, DAY, false);
        assertThat(retry.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
        assertThat(retry.sealedSuccessor()).isEqualTo("sealed-2");
        assertThat(s.rotate("fam", "h2", "h3", "sealed-3", t0 + 3, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void aReusedFamilyAnswersReusedOnlyToHashesItStored() {
        RefreshStore s = store();
        s.open("fam", "h1", t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false);
        assertThat(s.rotate("fam", "h1", "x", "x", t0 + 20_000, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.REUSED);

        assertThat(s.rotate("fam", "forged", "x", "x", t0 + 20_001, 10_000, DAY, false).outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        RefreshStore.Rotation again = s.rotate("fam", "h2", "x", "x", t0 + 20_002, 10_000, DAY, false);
        assertThat(again.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(again.firstReuse()).isFalse();
    }

    @Test
    void anUnknownFamilyOrHashChangesNothingElsewhere() {
        RefreshStore s = store();
        s.open("fam-a", "h1", t0, DAY);

        assertThat(s.rotate("fam-b", "h1", "h2", "x", t0, 10_000, DAY, false).outcome()).isEqualTo(RefreshStore.Outcome.UNKNOWN);
        assertThat(s.rotate("fam-a", "h1", "h2", "x", t0, 10_000, DAY, false).outcome()).isEqualTo(RefreshStore.Outcome.ROTATED);
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
                    return s.rotate("fam", "h1", mine, "sealed-" + mine, t0, 10_000, DAY, false);
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
