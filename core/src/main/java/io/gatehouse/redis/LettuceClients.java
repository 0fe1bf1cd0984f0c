package io.gatehouse.redis;

import io.gatehouse.config.HostAndPort;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.store.RedisCommandListener;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Translates a {@link RedisEndpoint} into Lettuce's URIs, options and resources. */
final class LettuceClients {
    private LettuceClients() {}

    /**
     * Reconnects start after 20 ms and back off to at most 500 ms between attempts, so a restarted
     * Redis is in use again well within a second (Lettuce's default backs off to 30 s).
     */
    static ClientResources resources(String target, RedisCommandListener commands) {
        ClientResources.Builder b = ClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(20), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS));
        // Lettuce measures commands only when a recorder is enabled; without a listener it costs nothing.
        b.commandLatencyRecorder(
                commands == RedisCommandListener.NONE
                        ? CommandLatencyRecorder.disabled()
                        : new CommandLatencyAdapter(target, commands));
        return b.build();
    }

    static List<RedisURI> uris(RedisEndpoint e) {
        return switch (e.mode()) {
            case STANDALONE, CLUSTER ->
                e.nodes().stream().map(n -> nodeUri(e, n)).toList();
            case SENTINEL -> List.of(sentinelUri(e));
        };
    }

    private static RedisURI nodeUri(RedisEndpoint e, HostAndPort node) {
        RedisURI.Builder b = RedisURI.builder().withHost(node.host()).withPort(node.port());
        return common(e, b).build();
    }

    private static RedisURI sentinelUri(RedisEndpoint e) {
        HostAndPort first = e.nodes().get(0);
        RedisURI.Builder b = RedisURI.Builder.sentinel(
                first.host(), first.port(), e.sentinelMaster().orElseThrow());
        for (HostAndPort s : e.nodes().subList(1, e.nodes().size())) {
            b.withSentinel(s.host(), s.port());
        }
        return common(e, b).build();
    }

    private static RedisURI.Builder common(RedisEndpoint e, RedisURI.Builder b) {
        b.withSsl(e.tls())
                .withVerifyPeer(e.verifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE)
                .withTimeout(e.commandTimeout())
                .withDatabase(e.database())
                .withClientName("gatehouse");
        if (e.username().isPresent()) {
            b.withAuthentication(e.username().get(), e.password().orElse("").toCharArray());
        } else {
            e.password().ifPresent(p -> b.withPassword(p.toCharArray()));
        }
        return b;
    }

    static ClientOptions clientOptions(RedisEndpoint e) {
        return ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected, fail commands at once instead of queueing them until a timeout.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(e))
                .timeoutOptions(timeoutOptions())
                .sslOptions(sslOptions(e))
                .build();
    }

    static ClusterClientOptions clusterOptions(RedisEndpoint e) {
        return ClusterClientOptions.builder(clientOptions(e))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    private static SocketOptions socketOptions(RedisEndpoint e) {
        return SocketOptions.builder()
                .connectTimeout(e.connectTimeout())
                .keepAlive(true)
                .build();
    }

    /*
     * Lettuce's per-command timer is off: every command goes through RedisConnection, whose Deadline is the
     * one timer of a call (the command timeout, discounting pauses of this process). A second timer per
     * command cost a wheel-timer entry, its cancellation and a completion callback on every call, and, set
     * longer than the deadline, could never fire first anyway. What Lettuce still bounds itself: connecting
     * and the connection handshake (connect-timeout and the URI's timeout), and its synchronous API, which
     * waits at most the URI's timeout (the command timeout; only the Sentinel watcher's SUBSCRIBE uses it).
     */
    private static TimeoutOptions timeoutOptions() {
        return TimeoutOptions.builder().timeoutCommands(false).build();
    }

    private static SslOptions sslOptions(RedisEndpoint e) {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
        e.caFile().ifPresent(ca -> b.trustManager(ca.toFile()));
        if (e.certFile().isPresent() && e.keyFile().isPresent()) {
            b.keyManager(e.certFile().get().toFile(), e.keyFile().get().toFile(), null);
        }
        return b.build();
    }
}
