package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grouping of loaders' writes ({@link StoreBatcher}, stores.lua) on a Redis of its own, so that the
 * script calls can be counted. The cache contract suites run it too (every miss on standalone and
 * Sentinel goes through it); this test makes batches of many writes happen for certain: Redis is paused
 * for writes (CLIENT PAUSE WRITE) while the first write is on its way, so every later one queues behind it.
 */
class StoreBatcherIntegrationTest {
    @RegisterExtension
    static final PrivateRedis own = new PrivateRedis();

    @BeforeEach
    void empty() {
        own.redis().flushAll();
        own.connector().preload(List.of(StoreBatcher.STORES));
        own.redis().node().cli("CONFIG", "RESETSTAT");
    }

    @Test
    void writesQueuedWhileABatchIsOnItsWayGoInOneCallEachWithItsOwnGuardAndReply() {
        StoreBatcher batcher = new StoreBatcher(own.connector());
        // 0-29 hold their writer's placeholder, 30-34 another loader's (the lease was lost: a delete and a
        // new load), 35-39 the writer's placeholder marked as waited for by another instance.
        for (int i = 0; i < 40; i++) {
            String held = i < 30 ? "L|t" + i : i < 35 ? "L|other" + i : "L|t" + i + "|w";
            own.redis().node().cli("SET", key(i), held, "PX", "60000");
        }
        List<CompletableFuture<Long>> replies = new ArrayList<>();
        CompletableFuture<Long> again;
        own.pauseWrites();
        try {
            for (int i = 0; i < 40; i++) {
                replies.add(batcher.store(key(i), "L|t" + i, "v|0|0||" + i, "60000"));
            }
            // The same key twice in one batch: the first write takes the placeholder, the second finds it gone.
            again = batcher.store(key(3), "L|t3", "v|0|0||second", "60000");
        } finally {
            own.unpause();
        }

        for (int i = 0; i < 40; i++) {
            long expected = i < 30 ? 1 : i < 35 ? 0 : 2;
            assertThat(replies.get(i).join()).as("reply for key %d", i).isEqualTo(expected);
            String stored = own.redis().node().cli("GET", key(i));
            assertThat(stored).as("key %d", i).isEqualTo(i >= 30 && i < 35 ? "L|other" + i : "v|0|0||" + i);
        }
        assertThat(again.join()).isZero();
        assertThat(own.redis().node().cli("PTTL", key(0)))
                .satisfies(ttl -> assertThat(Long.parseLong(ttl)).isGreaterThan(30_000));
        // the first write alone, then the 40 that queued behind it in one call
        assertThat(own.redis().node().cli("INFO", "commandstats")).contains("cmdstat_evalsha:calls=2,");
    }

    @Test
    void aCallWithItsKeysInAnotherOrderOrOnlySomeOfThemStillWritesEachWithItsOwnArguments() {
        // What a batch split by slot looks like (RedisConnection.evalBatches behind a proxy that refuses
        // keys of several slots): each call has some of the keys, every write's arguments.
        for (int i = 0; i < 4; i++) {
            own.redis().node().cli("SET", key(i), "L|t" + i, "PX", "60000");
        }
        List<String> args = new ArrayList<>();
        for (int i : new int[] {0, 1, 2, 1, 3}) {
            args.addAll(List.of(key(i), "L|t" + i, "v|0|0||" + i + "-" + args.size(), "60000"));
        }
        String[] all = args.toArray(new String[0]);
        List<List<Object>> first = own.connector()
                .connection()
                .<List<Object>>evalBatches(StoreBatcher.STORES, List.of(key(3), key(1), key(1)), 10, all)
                .join();
        List<List<Object>> second = own.connector()
                .connection()
                .<List<Object>>evalBatches(StoreBatcher.STORES, List.of(key(2), key(0)), 10, all)
                .join();

        // {write number, result} per key: key 3 is write 5, key 1 writes 2 and 4 (the first stores)
        assertThat(first).containsExactly(List.of(5L, 1L, 2L, 1L, 4L, 0L));
        assertThat(second).containsExactly(List.of(3L, 1L, 1L, 1L));
        assertThat(own.redis().node().cli("GET", key(1))).isEqualTo("v|0|0||1-4");
        assertThat(own.redis().node().cli("GET", key(3))).isEqualTo("v|0|0||3-16");
    }

    @Test
    void aFailedBatchFailsEachOfItsWritesAndTheNextBatchGoesAhead() {
        StoreBatcher batcher = new StoreBatcher(own.connector());
        own.redis().node().cli("SET", key(0), "L|t0", "PX", "60000");
        own.redis().node().cli("SET", key(1), "L|t1", "PX", "60000");
        CompletableFuture<Long> bad;
        CompletableFuture<Long> sameBatch;
        own.pauseWrites();
        try {
            batcher.store(key(9), "L|t9", "v|0|0||9", "60000"); // on its way: the others queue
            bad = batcher.store(key(0), "L|t0", "v|0|0||0", "not-a-ttl");
            sameBatch = batcher.store(key(1), "L|t1", "v|0|0||1", "60000");
        } finally {
            own.unpause();
        }

        for (CompletableFuture<Long> failed : List.of(bad, sameBatch)) {
            assertThatThrownBy(failed::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StoreException.class);
        }
        assertThat(batcher.store(key(1), "L|t1", "v|0|0||1", "60000").join()).isEqualTo(1L);
        assertThat(own.redis().node().cli("GET", key(1))).isEqualTo("v|0|0||1");
    }

    private static String key(int i) {
        return own.connector().keys().key("cache:batch", "k" + i);
    }
}
