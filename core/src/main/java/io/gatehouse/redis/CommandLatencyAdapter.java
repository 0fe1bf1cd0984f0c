package io.gatehouse.redis;

import io.gatehouse.store.RedisCommandListener;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lettuce's per-command latency hook, forwarded to a {@link RedisCommandListener} with the connector's
 * target instead of socket addresses (a bounded label set: one target per deployment, not one per node).
 */
final class CommandLatencyAdapter implements CommandLatencyRecorder {
    private final String target;
    private final RedisCommandListener listener;
    /** Command names decoded once: the hook runs for every command. */
    private final Map<ProtocolKeyword, String> names = new ConcurrentHashMap<>();

    CommandLatencyAdapter(String target, RedisCommandListener listener) {
        this.target = target;
        this.listener = listener;
    }

    @Override
    public void recordCommandLatency(
            SocketAddress local,
            SocketAddress remote,
            ProtocolKeyword commandType,
            long firstResponseLatency,
            long completionLatency) {
        String name = names.computeIfAbsent(commandType, t -> new String(t.getBytes(), StandardCharsets.US_ASCII));
        try {
            listener.completed(target, name, completionLatency);
        } catch (RuntimeException e) {
            // A metrics failure must not fail the command that was measured.
        }
    }

    @Override
    public boolean isEnabled() {
        return true;
    }
}
