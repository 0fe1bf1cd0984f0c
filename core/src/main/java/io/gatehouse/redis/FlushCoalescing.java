package io.gatehouse.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/*
 * Lettuce flushes every command on its own: each caller's command is a write-and-flush task on the
 * connection's event loop, and each flush is one send() system call. With many threads sharing one
 * connection (Gatehouse's model: one multiplexed connection per process), that is a system call per
 * command on the client and, since Redis then reads the commands one or a few at a time, more read()
 * and write() calls in Redis as well. Netty's FlushConsolidationHandler, as the last handler of each
 * Redis channel (the first to see a flush), turns a flush into a task queued behind the writes already
 * waiting on the event loop: the commands that arrived together go out in one send(), and a lone
 * command goes out once the event loop has run the task queued after it (no timer, no added wait
 * beyond that). Measured on the cache's miss path: docs/BENCHMARKS.md (#19, "flush coalescing").
 */
/** Adds flush consolidation to every Redis channel Lettuce opens. */
final class FlushCoalescing implements NettyCustomizer {
    /** A flush goes out at once after this many were held back, however busy the event loop. */
    static final int MAX_HELD_FLUSHES = 256;

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addLast(new FlushConsolidationHandler(MAX_HELD_FLUSHES, true));
    }
}
