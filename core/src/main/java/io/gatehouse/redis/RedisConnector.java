package io.gatehouse.redis;

import io.gatehouse.store.CircuitState;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.config.RedisMode;
import io.gatehouse.store.TargetHealth;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one Redis deployment, standalone, Sentinel or Cluster, plain or TLS.
 *
 * <p>It holds one shared, multiplexed {@link RedisConnection} for ordinary commands (Lettuce pipelines
 * concurrent callers onto one socket, which is both the fastest and the cheapest way to use Redis from
 * many threads), opens dedicated connections for blocking reads, and a Pub/Sub connection on first use.
 * A circuit breaker guards every call: once the target is seen down, calls fail in microseconds with
 * {@link io.gatehouse.store.StoreUnavailableException} until a background probe sees it answer again.
 */
public final class RedisConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    private final RedisEndpoint endpoint;
    private final String target;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> stateful;
    private final RedisConnection shared;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService scheduler;
    private final KeySpace keys;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisConnector(RedisEndpoint endpoint, String target, ClientResources resources, AbstractRedisClient client,
                           StatefulConnection<String, String> stateful) {
        this.endpoint = endpoint;
        this.target = target;
        this.resources = resources;
        this.client = client;
        this.stateful = stateful;
        this.keys = new KeySpace(endpoint.keyPrefix());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-redis-circuit");
            t.setDaemon(true);
            return t;
        });
        this.shared = new RedisConnection(this, stateful, commandsOf(stateful), false);
        this.breaker = new CircuitBreaker(target, endpoint.retryInterval(), scheduler,
                () -> shared.asyncUnguarded(RedisClusterAsyncCommands::ping));
    }

    /** Connects with the shared key names ({@code gatehouse.redis.*}) in error messages. */
    public static RedisConnector connect(RedisEndpoint endpoint) {
        return connect(endpoint, "gatehouse", setting -> "gatehouse.redis." + setting);
    }

    /**
     * Connects and checks that the deployment answers. A failure is a {@link io.gatehouse.config.ConfigException}
     * whose message is one paragraph naming the configuration key at fault.
     *
     * @param purposes what this deployment serves, for messages and health ({@code "tokens,sessions"})
     * @param keyName  maps a setting ({@code url}, {@code password}, {@code tls.ca-file}) to the key that set it
     */
    public static RedisConnector connect(RedisEndpoint endpoint, String purposes, UnaryOperator<String> keyName) {
        return connect(endpoint, purposes, keyName, RedisCommandListener.NONE);
    }

    /**
     * As {@link #connect(RedisEndpoint, String, UnaryOperator)}, telling {@code commands} the latency of
     * every command (for metrics).
     */
    public static RedisConnector connect(RedisEndpoint endpoint, String purposes, UnaryOperator<String> keyName,
                                         RedisCommandListener commands) {
        java.util.Objects.requireNonNull(commands, "commands");
        String target = purposes + "@" + endpoint.redactedUrl();
        ClientResources resources = LettuceClients.resources(target, commands);
        AbstractRedisClient client = null;
        try {
            StatefulConnection<String, String> stateful;
            if (endpoint.mode() == RedisMode.CLUSTER) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, LettuceClients.uris(endpoint));
                client = cluster;
                cluster.setOptions(LettuceClients.clusterOptions(endpoint));
                StatefulRedisClusterConnection<String, String> c = cluster.connect(StringCodec.UTF8);
                stateful = c;
                ClusterWarmUp.warmUp(c, endpoint.keyPrefix(), endpoint.connectTimeout());
            } else {
                RedisClient single = RedisClient.create(resources);
                client = single;
                single.setOptions(LettuceClients.clientOptions(endpoint));
                stateful = single.connect(StringCodec.UTF8, LettuceClients.uris(endpoint).get(0));
            }
            RedisConnector connector = new RedisConnector(endpoint, target, resources, client, stateful);
            connector.shared.sync(RedisClusterAsyncCommands::ping);
            log.info("Redis for {} connected: {}", purposes, endpoint.redactedUrl());
            return connector;
        } catch (RuntimeException e) {
            if (client != null) {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw StartupErrors.explain(purposes, endpoint, keyName, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> c) {
        if (c instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<String, String>) c).async();
    }

    /** The shared connection: use it for everything that does not block on the server. */
    public RedisConnection connection() {
        return shared;
    }

    /** Shorthand for {@code connection().sync(command)}. */
    public <T> T sync(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return shared.sync(command);
    }

    /** Shorthand for {@code connection().async(command)}. */
    public <T> CompletableFuture<T> async(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return shared.async(command);
    }

    /** Shorthand for {@code connection().eval(script, keys, args)}. */
    public <T> T eval(RedisScript script, List<String> keys, String... args) {
        return shared.eval(script, keys, args);
    }

    /** Shorthand for {@code connection().evalAsync(script, keys, args)}. */
    public <T> CompletableFuture<T> evalAsync(RedisScript script, List<String> keys, String... args) {
        return shared.evalAsync(script, keys, args);
    }

    /**
     * Opens a connection of its own, for commands that block on the server ({@code XREAD BLOCK}). The
     * caller closes it. It shares this target's circuit breaker.
     */
    public RedisConnection openDedicated() {
        try {
            StatefulConnection<String, String> c;
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<String, String> cc = cluster.connect(StringCodec.UTF8);
                ClusterWarmUp.warmUp(cc, endpoint.keyPrefix(), endpoint.connectTimeout());
                c = cc;
            } else {
                c = ((RedisClient) client).connect(StringCodec.UTF8, LettuceClients.uris(endpoint).get(0));
            }
            return new RedisConnection(this, c, commandsOf(c), true);
        } catch (RuntimeException e) {
            throw LettuceErrors.translate(target, null, e);
        }
    }

    /**
     * Loads scripts on every master now, so that the first calls run by SHA. Calls work without it:
     * a server that lacks a script gets its body once.
     */
    public void preload(Collection<RedisScript> scripts) {
        for (RedisScript script : scripts) {
            if (stateful instanceof StatefulRedisClusterConnection<String, String> cluster) {
                cluster.getPartitions().forEach(node -> {
                    if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                        shared.sync(c -> cluster.getConnection(node.getNodeId()).async().scriptLoad(script.body()));
                    }
                });
            } else {
                shared.sync(c -> c.scriptLoad(script.body()));
            }
        }
    }

    /**
     * Subscribes to a Pub/Sub channel (name it with {@link KeySpace#channel}). Messages arrive on a
     * Lettuce I/O thread: hand heavy work elsewhere. Subscriptions are renewed after a reconnect, but
     * messages published while disconnected are lost, so use Pub/Sub only for hints (invalidations)
     * whose loss is covered another way.
     *
     * @return closing it ends this listener's subscription
     */
    public AutoCloseable subscribe(String channel, Consumer<String> listener) {
        StatefulRedisPubSubConnection<String, String> ps = pubSub();
        List<Consumer<String>> list = listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
        list.add(listener);
        if (list.size() == 1) {
            shared.sync(c -> ps.async().subscribe(channel));
        }
        return () -> {
            list.remove(listener);
            if (list.isEmpty()) {
                ps.async().unsubscribe(channel);
            }
        };
    }

    private synchronized StatefulRedisPubSubConnection<String, String> pubSub() {
        if (pubSub == null) {
            StatefulRedisPubSubConnection<String, String> ps = client instanceof RedisClusterClient cluster
                    ? cluster.connectPubSub(StringCodec.UTF8)
                    : ((RedisClient) client).connectPubSub(StringCodec.UTF8, LettuceClients.uris(endpoint).get(0));
            ps.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    for (Consumer<String> l : listeners.getOrDefault(channel, List.of())) {
                        try {
                            l.accept(message);
                        } catch (RuntimeException e) {
                            log.warn("Pub/Sub listener on {} failed", channel, e);
                        }
                    }
                }
            });
            pubSub = ps;
        }
        return pubSub;
    }

    /** Publishes a message; returns how many subscribers received it. */
    public long publish(String channel, String message) {
        return shared.sync(c -> c.publish(channel, message));
    }

    /** Probes the deployment: PING round trip and INFO of every master. Never throws. */
    public TargetHealth probe() {
        return HealthProbe.probe(this, stateful);
    }

    public KeySpace keys() {
        return keys;
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    public boolean isCluster() {
        return endpoint.mode() == RedisMode.CLUSTER;
    }

    public CircuitState circuitState() {
        return breaker.state();
    }

    /** The purposes served and the redacted URL, as used in errors and health. */
    public String target() {
        return target;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    Duration commandTimeout() {
        return endpoint.commandTimeout();
    }

    @Override
    public void close() {
        breaker.shutdown();
        scheduler.shutdownNow();
        if (pubSub != null) {
            pubSub.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
