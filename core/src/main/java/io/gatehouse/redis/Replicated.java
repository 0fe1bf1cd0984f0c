package io.gatehouse.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * A script's reply and how many replicas confirmed its effects: the pair {@code EVALSHA} (or
 * {@code EVAL}) + {@code WAIT}, written back to back on one connection so they cost one round trip.
 */
record Replicated<T>(T value, long confirmed) {

    /**
     * Writes the script and {@code WAIT} without waiting in between.
     *
     * @param bySha {@code EVALSHA} if true, else {@code EVAL} with the body (after a NOSCRIPT)
     */
    static <T> CompletableFuture<Replicated<T>> run(
            RedisClusterAsyncCommands<String, String> c,
            RedisScript script,
            boolean bySha,
            String[] keys,
            String[] args,
            int replicas,
            long waitMs) {
        CompletableFuture<T> eval = (bySha
                        ? c.<T>evalsha(script.sha(), script.reply().type, keys, args)
                        : c.<T>eval(script.body(), script.reply().type, keys, args))
                .toCompletableFuture();
        CompletableFuture<Long> wait = c.waitForReplication(replicas, waitMs).toCompletableFuture();
        return eval.thenCombine(wait, Replicated::new);
    }
}
