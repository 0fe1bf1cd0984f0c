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
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Translates a {@link RedisEndpoint} into Lettuce's URIs, options and resources. */
final class LettuceClients {
    /** Commands that wait on the server by design; they get a long Lettuce timeout and callers bound them. */
    private static final Set<String> BLOCKING =
            Set.of("XREAD", "XREADGROUP", "BLPOP", "BRPOP", "BLMOVE", "BZPOPMIN", "BZPOPMAX", "WAIT");

    private static final long BLOCKING_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

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
                .timeoutOptions(timeoutOptions(e))
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

    private static TimeoutOptions timeoutOptions(RedisEndpoint e) {
        // A backstop: RedisConnection bounds its calls itself, discounting pauses of this process (Deadline).
        long commandMs = Deadline.backstop(e.commandTimeout()).toMillis();
        return TimeoutOptions.builder()
                .timeoutSource(new TimeoutOptions.TimeoutSource() {
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        return BLOCKING.contains(name(command.getType())) ? BLOCKING_TIMEOUT_MS : commandMs;
                    }

                    @Override
                    public TimeUnit getTimeUnit() {
                        return TimeUnit.MILLISECONDS;
                    }
                })
                .build();
    }

    private static String name(ProtocolKeyword type) {
        return new String(type.getBytes(), StandardCharsets.US_ASCII);
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
