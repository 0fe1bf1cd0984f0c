package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@link RedisConnection#evalBatches} splits keys: seeded random key sets and batch sizes. */
class KeyBatchesTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyKeyGoesOnceInRunsOfAtMostMaxAndBySlotEachRunHasOneSlot(long seed) {
        Random random = new Random(seed);
        List<String> keys = new ArrayList<>();
        int n = random.nextInt(500);
        for (int i = 0; i < n; i++) {
            // Few tags, so that several keys share a slot and runs of one slot get long.
            keys.add("p:s:{u" + random.nextInt(1 + n / 4) + "}:" + i);
        }
        int max = 1 + random.nextInt(40);

        List<List<String>> plain = KeyBatches.split(keys, max, false);
        List<List<String>> bySlot = KeyBatches.split(keys, max, true);

        assertThat(plain.stream().flatMap(List::stream).toList())
                .as("without slots: the keys in their order")
                .isEqualTo(keys);
        assertThat(plain).hasSize((n + max - 1) / max);
        assertThat(bySlot.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrderElementsOf(keys);
        for (List<String> run : bySlot) {
            assertThat(run).isNotEmpty().hasSizeLessThanOrEqualTo(max);
            assertThat(KeyBatches.sameSlot(run)).as("one slot per run: %s", run).isTrue();
        }
        long slots = keys.stream().mapToInt(KeySpace::slot).distinct().count();
        assertThat(bySlot.size()).as("no more runs than the slots need").isBetween((int) slots, (int) slots + n / max);
    }
}
