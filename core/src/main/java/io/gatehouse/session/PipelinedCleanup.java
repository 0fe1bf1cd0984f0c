package io.gatehouse.session;

import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/*
 * A cleanup pass that keeps Redis busy: up to DEPTH batches are in flight at once, and the SCAN of the
 * next page is sent before the current batch is awaited, so the round trips of SCAN, GET and prune.lua
 * overlap instead of adding up. next() hands back the oldest batch once it has completed; only then is the
 * pass's progress stored (resumable passes), so a stored position never lies beyond a batch that was not
 * finished. Batches already sent when a caller stops are awaited by stop(): every per-user script runs to
 * its end in Redis anyway (each is atomic), and stop() reports them.
 */
final class PipelinedCleanup implements SessionCleanup {
    /** Batches in flight: enough to cover a round trip with work at Redis, small enough to stop promptly. */
    static final int DEPTH = 3;

    private record InFlight(int users, CompletableFuture<Integer> removed, Optional<String> after) {}

    private final SessionBackend backend;
    private final int batchSize;
    private final boolean dryRun;
    private final boolean resumable;
    private final Supplier<SessionBackend.Expiry> expiry;
    private final Consumer<CleanupBatch> listener;
    /** Per awaited step; each command has its own, shorter, timeout besides. */
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final Optional<CleanupBatch> resumed;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private CompletableFuture<SessionBackend.ScanPage> scan;
    private boolean scanDone;
    private long users;
    private long removed;
    private CompletableFuture<Void> saved = CompletableFuture.completedFuture(null);

    PipelinedCleanup(
            SessionBackend backend,
            int batchSize,
            boolean dryRun,
            Optional<CleanupProgress> from,
            boolean resumable,
            Supplier<SessionBackend.Expiry> expiry,
            Consumer<CleanupBatch> listener) {
        this.backend = backend;
        this.batchSize = batchSize;
        this.dryRun = dryRun;
        this.resumable = resumable;
        this.expiry = expiry;
        this.listener = listener;
        this.resumed = from.map(p -> new CleanupBatch(clamp(p.usersVisited()), clamp(p.entriesRemoved()), false));
        this.users = from.map(CleanupProgress::usersVisited).orElse(0L);
        this.removed = from.map(CleanupProgress::entriesRemoved).orElse(0L);
        this.scan = backend.scan(from.map(CleanupProgress::position), batchSize);
    }

    @Override
    public Optional<CleanupBatch> resumed() {
        return resumed;
    }

    @Override
    public CleanupBatch next() {
        fill();
        if (inFlight.isEmpty()) {
            return new CleanupBatch(0, 0, true);
        }
        InFlight b = inFlight.poll();
        int n = await(b.removed());
        fill();
        CleanupBatch batch = new CleanupBatch(b.users(), n, scanDone && inFlight.isEmpty());
        record(batch, b.after());
        if (batch.done()) {
            await(saved);
        }
        return batch;
    }

    @Override
    public CleanupBatch stop() {
        int u = 0;
        int n = 0;
        while (!inFlight.isEmpty()) {
            InFlight b = inFlight.poll();
            int r = await(b.removed());
            u += b.users();
            n += r;
            record(new CleanupBatch(b.users(), r, false), b.after());
        }
        await(saved); // the progress is in the store before the caller exits
        return new CleanupBatch(u, n, scanDone);
    }

    /** Sends batches (and the scan of the page after each) until DEPTH are in flight or the scan is over. */
    private void fill() {
        while (!scanDone && inFlight.size() < DEPTH) {
            SessionBackend.ScanPage page = await(scan);
            Optional<String> after = page.next();
            if (after.isPresent()) {
                scan = backend.scan(after, batchSize);
            } else {
                scanDone = true;
            }
            List<String> ids = page.userIds();
            CompletableFuture<Integer> pruned =
                    ids.isEmpty() ? CompletableFuture.completedFuture(0) : backend.pruneAll(ids, expiry.get(), dryRun);
            inFlight.add(new InFlight(ids.size(), pruned, after));
        }
    }

    private void record(CleanupBatch batch, Optional<String> after) {
        users += batch.usersVisited();
        removed += batch.entriesRemoved();
        if (resumable) {
            saved = backend.cleanupProgress(after.map(p -> new CleanupProgress(users, removed, p).encode()));
        }
        if (!dryRun) {
            listener.accept(batch);
        }
    }

    private <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreUnavailableException("sessions", "session cleanup failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new StoreTimeoutException("sessions", "the store did not answer a session cleanup batch in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("sessions", "interrupted during session cleanup");
        }
    }

    private static int clamp(long n) {
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
