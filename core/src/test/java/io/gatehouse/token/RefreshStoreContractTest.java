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
    private static final String CLAIMS = new FamilyClaims(
                    "user-1", "sess-1", java.time.Instant.EPOCH, java.util.List.of(), java.util.List.of())
            .toJson();
    private final long t0 = System.currentTimeMillis();

    private RefreshStore store() {
        return backend.isRedis() ? new RedisRefreshStore(backend.connector()) : new InMemoryRefreshStore();
    }

    @Test
    void theCurrentTokenRotatesOnce() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);

        assertThat(s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
        assertThat(s.rotate(
                                "fam",
                                "h2",
                                "h3",
                                "sealed-3",
                                t0 + 1,
                                10_000,
                                DAY,
                                false,
                                "",
                                RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void theRetiredTokenGetsTheStoredSuccessorUntilTheWindowEndsThenIsReuse() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);

        RefreshStore.Rotation retry = s.rotate(
                "fam", "h1", "h2b", "sealed-2b", t0 + 10_000, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(retry.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
        assertThat(retry.sealedSuccessor()).isEqualTo("sealed-2");

        RefreshStore.Rotation late = s.rotate(
                "fam", "h1", "h2c", "sealed-2c", t0 + 10_001, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(late.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(late.firstReuse()).isTrue();
        // once reused, the family is dead for everyone, including the current token, and says so again
        RefreshStore.Rotation current = s.rotate(
                "fam", "h2", "h3", "sealed-3", t0 + 10_002, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(current.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(current.firstReuse()).isFalse();
    }

    @Test
    void aTokenUpToFiveGenerationsOldIsReuseByItsHashAlone() {
        RefreshStore s = store();
        List<String> h = new ArrayList<>();
        for (int i = 0; i <= 7; i++) {
            h.add(DefaultTokenService.hash("token-" + i));
        }
        s.open("fam", h.get(0), CLAIMS, t0, DAY);
        for (int i = 1; i <= 7; i++) {
            s.rotate(
                    "fam",
                    h.get(i - 1),
                    h.get(i),
                    "sealed-" + i,
                    t0 + i,
                    10_000,
                    DAY,
                    false,
                    "",
                    RefreshStore.FamilyLimit.NONE);
        }

        // h7 is current, h6 retired last; h2..h5 are kept by their first 64 bits; h0 and h1 by nothing
        assertThat(s.rotate("fam", h.get(1), "x", "x", t0 + 100, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .as("six generations old: indistinguishable from a forgery by its hash")
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        RefreshStore.Rotation r =
                s.rotate("fam", h.get(2), "x", "x", t0 + 100, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(r.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(r.firstReuse()).isTrue();
    }

    @Test
    void anOlderGenerationWhoseSignatureWasVerifiedIsReuse() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1000, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);

        RefreshStore.Rotation r =
                s.rotate("fam", "h0", "x", "x", t0 + 2000, 10_000, DAY, true, "", RefreshStore.FamilyLimit.NONE);
        assertThat(r.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(r.firstReuse()).isTrue();
    }

    @Test
    void aHashNeverStoredChangesNothingUnlessTheSignatureWasVerified() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);

        // a forgery naming the family, inside and after the grace window: no state change
        assertThat(s.rotate("fam", "forged", "h9", "x", t0 + 1, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        assertThat(s.rotate(
                                "fam",
                                "forged",
                                "h9",
                                "x",
                                t0 + 60_000,
                                10_000,
                                DAY,
                                false,
                                "",
                                RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        // the family is untouched: the retry still gets the successor, the current token still rotates
        RefreshStore.Rotation retry =
                s.rotate("fam", "h1", "h2b", "x", t0 + 2, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(retry.outcome()).isEqualTo(RefreshStore.Outcome.GRACE);
        assertThat(retry.sealedSuccessor()).isEqualTo("sealed-2");
        assertThat(s.rotate(
                                "fam",
                                "h2",
                                "h3",
                                "sealed-3",
                                t0 + 3,
                                10_000,
                                DAY,
                                false,
                                "",
                                RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void aReusedFamilyAnswersReusedOnlyToHashesItStored() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(s.rotate("fam", "h1", "x", "x", t0 + 20_000, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.REUSED);

        assertThat(s.rotate(
                                "fam",
                                "forged",
                                "x",
                                "x",
                                t0 + 20_001,
                                10_000,
                                DAY,
                                false,
                                "",
                                RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        RefreshStore.Rotation again =
                s.rotate("fam", "h2", "x", "x", t0 + 20_002, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE);
        assertThat(again.outcome()).isEqualTo(RefreshStore.Outcome.REUSED);
        assertThat(again.firstReuse()).isFalse();
    }

    @Test
    void anUnknownFamilyOrHashChangesNothingElsewhere() {
        RefreshStore s = store();
        s.open("fam-a", "h1", CLAIMS, t0, DAY);

        assertThat(s.rotate("fam-b", "h1", "h2", "x", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.UNKNOWN);
        assertThat(s.rotate("fam-a", "h1", "h2", "x", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void concurrentRotationsOfOneTokenRotateExactlyOnce() throws Exception {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<RefreshStore.Rotation>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String mine = "h2-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return s.rotate(
                            "fam",
                            "h1",
                            mine,
                            "sealed-" + mine,
                            t0,
                            10_000,
                            DAY,
                            false,
                            "",
                            RefreshStore.FamilyLimit.NONE);
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

    @Test
    void theFamilyLimitCountsOnlyMatchedHashes() {
        RefreshStore s = store();
        RefreshStore.FamilyLimit two = new RefreshStore.FamilyLimit(2, 60_000);
        s.open("fam", "h1", CLAIMS, t0, DAY);
        for (int i = 0; i < 10; i++) {
            assertThat(s.rotate("fam", "forged" + i, "x", "x", t0, 10_000, DAY, false, "", two)
                            .outcome())
                    .isEqualTo(RefreshStore.Outcome.UNMATCHED);
        }

        assertThat(s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", two)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
        assertThat(s.rotate("fam", "h1", "h2b", "sealed-2b", t0 + 1, 10_000, DAY, false, "", two)
                        .outcome())
                .as("a grace retry counts too")
                .isEqualTo(RefreshStore.Outcome.GRACE);
        RefreshStore.Rotation limited = s.rotate("fam", "h2", "h3", "sealed-3", t0 + 1000, 10_000, DAY, false, "", two);
        assertThat(limited.outcome()).isEqualTo(RefreshStore.Outcome.LIMITED);
        assertThat(limited.retryAfterMs()).isEqualTo(59_000);
        // nothing changed: h2 is still current, and rotates once the window has passed
        assertThat(s.rotate("fam", "h2", "h3", "sealed-3", t0 + 60_000, 10_000, DAY, false, "", two)
                        .outcome())
                .isEqualTo(RefreshStore.Outcome.ROTATED);
    }

    @Test
    void aRotationAnswersTheFamilysClaimsAndMayReplaceThem() {
        RefreshStore s = store();
        s.open("fam", "h1", CLAIMS, t0, DAY);
        String other = new FamilyClaims(
                        "user-1",
                        "sess-1",
                        java.time.Instant.ofEpochSecond(5),
                        java.util.List.of("admin"),
                        java.util.List.of())
                .toJson();

        assertThat(s.rotate("fam", "h1", "h2", "sealed-2", t0, 10_000, DAY, false, "", RefreshStore.FamilyLimit.NONE)
                        .claims())
                .isEqualTo(CLAIMS);
        assertThat(s.rotate(
                                "fam",
                                "h2",
                                "h3",
                                "sealed-3",
                                t0 + 1,
                                10_000,
                                DAY,
                                false,
                                other,
                                RefreshStore.FamilyLimit.NONE)
                        .claims())
                .isEqualTo(other);
        assertThat(s.read("fam", t0 + 2)).satisfies(f -> {
            assertThat(f.currentHash()).isEqualTo("h3");
            assertThat(f.previousHash()).isEqualTo("h2");
            assertThat(FamilyClaims.fromJson(f.claims()).roles()).containsExactly("admin");
        });
        assertThat(s.read("nope", t0)).isNull();
    }
}
