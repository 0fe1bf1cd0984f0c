package io.gatehouse.backup;

import io.gatehouse.redis.RedisConnector;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies every key of scratch servers into a running deployment: {@code SCAN} the scratch server,
 * {@code PTTL} + {@code DUMP} pipelined, then {@code RESTORE} with the remaining TTL, pipelined a batch
 * at a time. On Cluster the connector routes each {@code RESTORE} to the master of its key's slot.
 */
final class Copier {
    private static final int BATCH = 1000;
    private static final long WAIT_SECONDS = 120;

    private final RedisConnector target;
    private final Progress progress;
    private long total;
    private long restored;
    private long expired;
    private long existing;
    private long binary;

    Copier(RedisConnector target, Progress progress) {
        this.target = target;
        this.progress = progress;
    }

    /** One key read from a scratch server. */
    private record Entry(String key, long pttl, byte[] dump) {}

    /** Counts keys that already exist in the target; writes nothing. An empty target needs no pass. */
    long countExisting(List<Scratch> sources) {
        reset();
        if (await(target.async(c -> c.dbsize())) == 0) {
            return 0;
        }
        for (Scratch s : sources) {
            forEachBatch(
                    s,
                    batch -> {
                        List<CompletableFuture<Long>> f = new ArrayList<>();
                        for (Entry e : batch) {
                            f.add(target.async(c -> c.exists(e.key())));
                        }
                        for (CompletableFuture<Long> x : f) {
                            existing += await(x);
                        }
                    },
                    false);
        }
        return existing;
    }

    /**
     * Writes every live key; {@code replace} overwrites existing ones. A batch's RESTOREs are awaited
     * only after the next batch has been read, so reading the scratch server and writing the target overlap.
     */
    void copy(List<Scratch> sources, boolean replace) {
        reset();
        List<CompletableFuture<String>> previous = new ArrayList<>();
        for (Scratch s : sources) {
            forEachBatch(
                    s,
                    batch -> {
                        List<CompletableFuture<String>> f = new ArrayList<>(batch.size());
                        for (Entry e : batch) {
                            RestoreArgs args = RestoreArgs.Builder.ttl(Math.max(0, e.pttl()));
                            if (replace) {
                                args.replace();
                            }
                            f.add(target.async(c -> c.restore(e.key(), e.dump(), args)));
                        }
                        drain(previous);
                        previous.addAll(f);
                    },
                    true);
        }
        drain(previous);
    }

    private void drain(List<CompletableFuture<String>> pending) {
        for (CompletableFuture<String> x : pending) {
            await(x);
            restored++;
        }
        pending.clear();
        progress.report("restore keys", restored, total);
    }

    /** Counts what a dry run would write. */
    void count(List<Scratch> sources) {
        reset();
        for (Scratch s : sources) {
            forEachBatch(s, batch -> restored += batch.size(), false);
        }
    }

    private void reset() {
        total = 0;
        restored = 0;
        expired = 0;
        existing = 0;
        binary = 0;
    }

    long restored() {
        return restored;
    }

    long expired() {
        return expired;
    }

    long binary() {
        return binary;
    }

    private interface BatchAction {
        void accept(List<Entry> batch);
    }

    private void forEachBatch(Scratch scratch, BatchAction action, boolean withDump) {
        RedisAsyncCommands<byte[], byte[]> src = scratch.connection().async();
        total += scratch.connection().sync().dbsize();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = scratch.connection().sync().scan(cursor, ScanArgs.Builder.limit(BATCH));
            List<RedisFuture<Long>> ttls = new ArrayList<>();
            List<RedisFuture<byte[]>> dumps = new ArrayList<>();
            for (byte[] k : page.getKeys()) {
                ttls.add(src.pttl(k));
                dumps.add(withDump ? src.dump(k) : null);
            }
            List<Entry> batch = new ArrayList<>(page.getKeys().size());
            for (int i = 0; i < page.getKeys().size(); i++) {
                Optional<String> key = utf8(page.getKeys().get(i));
                long pttl = await(ttls.get(i).toCompletableFuture());
                byte[] dump = withDump ? await(dumps.get(i).toCompletableFuture()) : new byte[0];
                if (key.isEmpty()) {
                    binary++;
                } else if (pttl == -2 || dump == null) {
                    expired++;
                } else {
                    batch.add(new Entry(key.get(), pttl, dump));
                }
            }
            if (!batch.isEmpty()) {
                action.accept(batch);
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static Optional<String> utf8(byte[] key) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new BackupException(
                    "restore: a command failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new BackupException("restore: no answer within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("restore: interrupted");
        }
    }
}
