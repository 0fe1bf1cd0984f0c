package io.gatehouse.redis;

import io.gatehouse.store.StoreDurabilityException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreUnavailableException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One multiplexed connection to a Redis deployment. Thread-safe; share it. Every call passes the
 * target's circuit breaker (failing at once while the target is down), is bounded by the command
 * timeout (time this process was paused, by a full GC or a starved CPU, is not counted, up to one more
 * command timeout: see {@link Deadline}), and fails only with {@link StoreException}s.
 *
 * <p>Commands are written against Lettuce's {@link RedisClusterAsyncCommands}, which standalone,
 * Sentinel and Cluster connections all implement, so a store has one code path for every topology.
 */
public final class RedisConnection implements AutoCloseable {
    private final RedisConnector connector;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final boolean dedicated;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set once this endpoint refused a script call with keys of several slots (see {@link #evalBatches}). */
    private volatile boolean crossSlotRefused;
    /** Set by {@link #close()}: a call that fails from then on failed because we closed it, not because of Redis. */
    private volatile boolean closed;

    RedisConnection(
            RedisConnector connector,
            StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands,
            boolean dedicated) {
        this.connector = connector;
        this.connection = connection;
        this.commands = commands;
        this.dedicated = dedicated;
    }

    /** Runs a command and waits for it, at most the command timeout. */
    public <T> T sync(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return await(async(command));
    }

    /**
     * Runs a command that may block on the server (for example {@code XREAD BLOCK}) and waits at most
     * {@code maxWait} plus the command timeout. Use it on a {@linkplain RedisConnector#openDedicated()
     * dedicated connection}: a blocking command holds up every other command queued on its connection.
     */
    public <T> T syncBlocking(
            Duration maxWait,
            Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        Duration timeout = maxWait.plus(connector.endpoint().commandTimeout());
        // Never spins: a blocking read's reply comes late by design.
        return await(call(null, timeout, command), ReplyWait.PARKS);
    }

    /** Runs a command without waiting; the future fails only with a {@link StoreException}. */
    public <T> CompletableFuture<T> async(
            Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return call(null, connector.endpoint().commandTimeout(), command);
    }

    /** Runs a script by SHA (loading it where the server does not know it) and waits for its reply. */
    public <T> T eval(RedisScript script, List<String> keys, String... args) {
        return await(evalAsync(script, keys, args));
    }

    /**
     * Runs a script without waiting. All keys must share one Cluster slot; this is checked here, in
     * every topology, so key-naming mistakes fail fast everywhere.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> evalAsync(RedisScript script, List<String> keys, String... args) {
        KeySpace.requireSameSlot(keys);
        String[] k = keys.toArray(new String[0]);
        return call(script.name(), connector.endpoint().commandTimeout(), c -> evalRaw(c, script, k, args));
    }

    /**
     * Runs a script that treats each of its keys on its own (a batch of independent per-key updates, such
     * as a cleanup pruning many users) over {@code keys}, in as few calls as the topology allows and at
     * most {@code maxKeys} keys per call, all sent without waiting. On Cluster each call holds keys of one
     * slot, as Redis requires. A single server (standalone, Sentinel) has no slots, so a call holds keys of
     * any slot there: this is the one exception to {@link KeySpace#requireSameSlot}, for scripts whose
     * keys never need to be together. Should a single endpoint refuse that (CROSSSLOT: a proxy in front of
     * a Cluster), the refused call is sent again split by slot, and so is every later one on this
     * connection.
     *
     * @return the replies of every call, in the order of the calls
     */
    public <T> CompletableFuture<List<T>> evalBatches(
            RedisScript script, List<String> keys, int maxKeys, String... args) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        List<List<String>> batches = KeyBatches.split(keys, maxKeys, bySlot());
        List<CompletableFuture<List<T>>> calls = new ArrayList<>(batches.size());
        for (List<String> batch : batches) {
            calls.add(call(
                    script.name(),
                    connector.endpoint().commandTimeout(),
                    c -> evalBatch(c, script, batch, maxKeys, args)));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<T> replies = new ArrayList<>(calls.size());
            calls.forEach(c -> replies.addAll(c.join()));
            return replies;
        });
    }

    /** Whether a call's keys must share a slot here: on Cluster, and on an endpoint that refused otherwise. */
    private boolean bySlot() {
        return crossSlotRefused || connection instanceof StatefulRedisClusterConnection;
    }

    private <T> CompletableFuture<List<T>> evalBatch(
            RedisClusterAsyncCommands<String, String> c,
            RedisScript script,
            List<String> batch,
            int maxKeys,
            String... args) {
        return this.<T>evalRaw(c, script, batch.toArray(new String[0]), args)
                .thenApply(List::of)
                .exceptionallyCompose(e -> {
                    if (!LettuceErrors.isCrossSlot(e) || KeyBatches.sameSlot(batch)) {
                        return CompletableFuture.failedFuture(e);
                    }
                    crossSlotRefused = true;
                    List<CompletableFuture<T>> parts = new ArrayList<>();
                    for (List<String> part : KeyBatches.split(batch, maxKeys, true)) {
                        parts.add(evalRaw(c, script, part.toArray(new String[0]), args));
                    }
                    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                            .thenApply(all ->
                                    parts.stream().map(CompletableFuture::join).toList());
                });
    }

    /** EVALSHA, and EVAL once where the server does not know the script. */
    private <T> CompletableFuture<T> evalRaw(
            RedisClusterAsyncCommands<String, String> c, RedisScript script, String[] keys, String... args) {
        return c.<T>evalsha(script.sha(), script.reply().type, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(e -> LettuceErrors.isNoScript(e)
                        ? c.<T>eval(script.body(), script.reply().type, keys, args)
                        : CompletableFuture.failedFuture(e));
    }

    /**
     * Runs a script, then {@code WAIT replicas timeout} right behind it on the same socket (one round
     * trip: the two are pipelined), and completes once the script's effects are on {@code replicas}
     * replicas; with fewer confirmations it fails with {@link StoreDurabilityException}. {@code WAIT}
     * holds up every later command of its connection, so run this on a
     * {@linkplain RedisConnector#openDedicated() dedicated connection}. On Cluster the pair goes to the
     * master of the keys' slot directly (WAIT has no key to be routed by).
     */
    <T> CompletableFuture<T> evalReplicated(
            RedisScript script, List<String> keys, int replicas, Duration timeout, String... args) {
        KeySpace.requireSameSlot(keys);
        String[] k = keys.toArray(new String[0]);
        long waitMs = Math.max(1, timeout.toMillis());
        inFlight.incrementAndGet();
        CompletableFuture<Replicated<T>> done =
                call(script.name(), connector.endpoint().commandTimeout().plus(timeout), c -> {
                    RedisClusterAsyncCommands<String, String> node = k.length == 0 ? c : masterOf(k[0]);
                    return Replicated.<T>run(node, script, true, k, args, replicas, waitMs)
                            .exceptionallyCompose(e -> LettuceErrors.isNoScript(e)
                                    ? Replicated.<T>run(node, script, false, k, args, replicas, waitMs)
                                    : CompletableFuture.failedFuture(e));
                });
        return done.whenComplete((r, e) -> inFlight.decrementAndGet()).thenApply(r -> {
            if (r.confirmed() < replicas) {
                StoreDurabilityException e = new StoreDurabilityException(
                        connector.target(),
                        r.confirmed(),
                        replicas,
                        "Redis "
                                + connector.target() + ": script " + script.name() + " was applied by the master but "
                                + r.confirmed() + " of " + replicas + " replicas confirmed it within " + waitMs
                                + " ms; not acknowledged (a failover now could undo it)");
                connector.failed(e);
                throw e;
            }
            return r.value();
        });
    }

    /** The commands of the master serving {@code key}'s slot (Cluster), else the connection's own. */
    private RedisClusterAsyncCommands<String, String> masterOf(String key) {
        if (!(connection instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            return commands;
        }
        RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (master == null) {
            throw new StoreUnavailableException(
                    connector.target(),
                    "Redis " + connector.target() + " has no master for the slot of " + key + " now");
        }
        RedisURI uri = master.getUri();
        return cluster.getConnection(uri.getHost(), uri.getPort()).async();
    }

    private <T> CompletableFuture<T> call(
            String script,
            Duration timeout,
            Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        CircuitBreaker breaker = connector.breaker();
        if (!breaker.allowsCalls()) {
            return CompletableFuture.failedFuture(breaker.rejection());
        }
        CompletionStage<T> stage;
        try {
            stage = command.apply(commands);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> reply = stage.toCompletableFuture();
        connector.bound(reply, timeout);
        return reply.handle((value, error) -> {
            if (error == null) {
                breaker.onSuccess();
                return value;
            }
            StoreException translated = LettuceErrors.translate(connector.target(), script, error);
            if (!closed) {
                breaker.onFailure(translated);
                connector.failed(translated);
            }
            throw translated;
        });
    }

    /** A call that bypasses the circuit breaker (the breaker's own recovery probe), bounded all the same. */
    CompletionStage<?> asyncUnguarded(
            Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<?>> command) {
        CompletableFuture<?> reply = command.apply(commands).toCompletableFuture();
        connector.bound(reply, connector.endpoint().commandTimeout());
        return reply;
    }

    /**
     * Waits for a call of this connection. Every such call carries its {@link Deadline} (at most twice
     * its timeout), which completes it, so the wait needs no timer of its own: on a virtual thread a timed
     * wait schedules and cancels one more timer task per call.
     */
    <T> T await(CompletableFuture<T> future) {
        return await(future, connector.replyWait());
    }

    private <T> T await(CompletableFuture<T> future, ReplyWait wait) {
        try {
            return wait.await(future);
        } catch (ExecutionException e) {
            throw LettuceErrors.translate(connector.target(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LettuceErrors.translate(connector.target(), null, e);
        }
    }

    /** Whether the underlying socket is connected right now. */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** Replicated writes sent on this connection and not answered yet. */
    int inFlight() {
        return inFlight.get();
    }

    /** Asks the server to close this connection (QUIT); Lettuce reconnects, resolving the master anew. */
    void reconnect() {
        if (connection instanceof StatefulRedisConnection<String, String> single && connection.isOpen()) {
            single.async().quit().exceptionally(e -> null);
        }
    }

    /**
     * Closes a dedicated connection; the shared one is closed with its connector. A call in flight on it (a
     * blocking read) fails at once, and that failure is not Redis's: it neither counts in the circuit breaker
     * nor reaches the command listener.
     */
    @Override
    public void close() {
        if (!dedicated) {
            return;
        }
        // Once only: a connection's owner and its reader thread may both close it on the way out (the revocation
        // link does), and Lettuce warns "Connection is already closed" on a second close, a stray line in every
        // shutdown and startup failure.
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        connector.forget(this);
        connection.closeAsync();
    }
}
