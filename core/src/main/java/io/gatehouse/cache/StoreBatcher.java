package io.gatehouse.cache;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.redis.RedisScript.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * Group commit of the loaders' writes after misses (single server: standalone or Sentinel). A write is
 * sent at once when no batch is on its way to Redis; writes that arrive meanwhile queue and go together,
 * in one stores.lua call, as soon as the batch before them is answered. So a lone miss costs what it cost
 * before (one script call), and under load N misses cost one script call instead of N: in Redis a script
 * call's own cost is several times a plain SET's (docs/BENCHMARKS.md, #19), and on the client one command
 * instead of N (its timers, its socket write). Each write keeps its own guard (stored only while its lease
 * holds) and its own reply (getOrLoad returns without waiting for it while few are outstanding: Fills).
 *
 * Not used on Cluster (a script call's keys must share a slot there, and misses of different keys rarely
 * do), nor for writes that publish (those use store.lua, which publishes in the same script as the write).
 */
final class StoreBatcher {
    static final RedisScript STORES = RedisScript.load(StoreBatcher.class, "stores.lua", Reply.MULTI);
    /** At most this many writes per call, so that one call never holds Redis long. */
    static final int MAX_BATCH = 64;

    private record Write(String key, String expected, String raw, String ttl, CompletableFuture<Long> reply) {}

    private final RedisConnector redis;
    private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();
    /** Whether a batch is on its way (its sender, or its reply's handler, sends the next one). */
    private final AtomicBoolean sending = new AtomicBoolean();

    StoreBatcher(RedisConnector redis) {
        this.redis = redis;
    }

    /**
     * Stores {@code raw} under {@code key} for {@code ttlMillis} if the key still holds {@code expected}
     * (the caller's placeholder, marked as waited for or not). The future gives store.lua's reply: 1
     * stored, 2 stored and someone waits for it, 0 not stored; it fails with a StoreException.
     */
    CompletableFuture<Long> store(String key, String expected, String raw, String ttl) {
        Write w = new Write(key, expected, raw, ttl, new CompletableFuture<>());
        queue.add(w);
        if (sending.compareAndSet(false, true)) {
            sendNext();
        }
        return w.reply();
    }

    /** Sends what is queued; called by the one holder of {@code sending}, which it passes on or gives back. */
    private void sendNext() {
        while (true) {
            List<Write> batch = new ArrayList<>();
            Write w;
            while (batch.size() < MAX_BATCH && (w = queue.poll()) != null) {
                batch.add(w);
            }
            if (!batch.isEmpty()) {
                CompletableFuture<List<List<Object>>> replies = send(batch);
                if (!replies.isDone()) {
                    // The reply's handler (a Lettuce I/O thread) sends what queued meanwhile.
                    replies.whenComplete((calls, error) -> {
                        try {
                            deliver(batch, calls, error);
                        } finally {
                            sendNext(); // whatever happened: a stuck batcher would hold every later miss
                        }
                    });
                    return;
                }
                deliver(batch, replies.getNow(null), error(replies)); // refused at once (circuit open)
                continue;
            }
            sending.set(false);
            // A write queued after the poll above found "sending" still set and left it to this one.
            if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private CompletableFuture<List<List<Object>>> send(List<Write> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        String[] args = new String[4 * batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Write w = batch.get(i);
            keys.add(w.key());
            args[4 * i] = w.key();
            args[4 * i + 1] = w.expected();
            args[4 * i + 2] = w.raw();
            args[4 * i + 3] = w.ttl();
        }
        try {
            return redis.connection().evalBatches(STORES, keys, MAX_BATCH, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable error(CompletableFuture<?> done) {
        try {
            done.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private static void deliver(List<Write> batch, List<List<Object>> calls, Throwable error) {
        Throwable failed = error;
        if (failed == null) {
            try {
                for (List<Object> call : calls) {
                    for (int i = 0; i + 1 < call.size(); i += 2) {
                        int n = ((Long) call.get(i)).intValue();
                        batch.get(n - 1).reply().complete((Long) call.get(i + 1));
                    }
                }
            } catch (RuntimeException e) {
                failed = e; // a reply not as stores.lua answers: fail what it did not answer
            }
        }
        for (Write w : batch) {
            if (failed != null) {
                w.reply().completeExceptionally(failed);
            } else {
                w.reply().complete(0L); // never left waiting: a write the reply did not name was not stored
            }
        }
    }
}
