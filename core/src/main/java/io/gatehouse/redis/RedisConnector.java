package io.gatehouse.redis;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.Durability;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.config.RedisMode;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.TargetHealth;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    // Computed once: Duration.multipliedBy goes through BigDecimal, and this is read on every awaited call.
    private final Duration longestCall;
    private final String purposes;
    private final RedisCommandListener commands;
    private final String target;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> stateful;
    private final RedisConnection shared;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService scheduler;
    private final KeySpace keys;
    private final PauseClock pauseClock;
    private final ReplyWait replyWait;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    /** Connections for replicated writes (see {@link #durable()}). */
    private static final int DURABLE_CONNECTIONS = 4;

    private volatile RedisConnection[] durable;
    private final Set<RedisConnection> dedicated = ConcurrentHashMap.newKeySet();
    private volatile SentinelWatch sentinelWatch;

    private RedisConnector(
            RedisEndpoint endpoint,
            String purposes,
            String target,
            ClientResources resources,
            AbstractRedisClient client,
            StatefulConnection<String, String> stateful,
            RedisCommandListener commands,
            PauseClock pauseClock) {
        this.endpoint = endpoint;
        this.longestCall = Deadline.longest(endpoint.commandTimeout());
        this.pauseClock = pauseClock;
        this.replyWait = new ReplyWait(endpoint.spinWait());
        this.commands = commands;
        this.purposes = purposes;
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
        this.breaker = new CircuitBreaker(
                target,
                endpoint.retryInterval(),
                scheduler,
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
    public static RedisConnector connect(
            RedisEndpoint endpoint, String purposes, UnaryOperator<String> keyName, RedisCommandListener commands) {
        return connect(endpoint, purposes, keyName, commands, PauseClock.system());
    }

    /** As above, with the clock that tells how long this process was paused (tests pass their own). */
    static RedisConnector connect(
            RedisEndpoint endpoint,
            String purposes,
            UnaryOperator<String> keyName,
            RedisCommandListener commands,
            PauseClock pauseClock) {
        java.util.Objects.requireNonNull(commands, "commands");
        String target = purposes + "@" + endpoint.redactedUrl();
        ClientResources resources = LettuceClients.resources(target, commands);
        AbstractRedisClient client = null;
        RedisConnector connector;
        try {
            StatefulConnection<String, String> stateful;
            if (endpoint.mode() == RedisMode.CLUSTER) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, LettuceClients.uris(endpoint));
                client = cluster;
                cluster.setOptions(LettuceClients.clusterOptions(endpoint));
                StatefulRedisClusterConnection<String, String> c = cluster.connect(Utf8Codec.INSTANCE);
                stateful = c;
                ClusterWarmUp.warmUp(c, endpoint.keyPrefix(), endpoint.connectTimeout());
            } else {
                RedisClient single = RedisClient.create(resources);
                client = single;
                single.setOptions(LettuceClients.clientOptions(endpoint));
                stateful = single.connect(
                        Utf8Codec.INSTANCE, LettuceClients.uris(endpoint).get(0));
            }
            connector =
                    new RedisConnector(endpoint, purposes, target, resources, client, stateful, commands, pauseClock);
            connector.shared.sync(RedisClusterAsyncCommands::ping);
            if (endpoint.mode() == RedisMode.SENTINEL) {
                RedisConnector c = connector;
                connector.sentinelWatch = new SentinelWatch(
                        (RedisClient) client,
                        LettuceClients.uris(endpoint).get(0).getSentinels(),
                        endpoint.sentinelMaster().orElseThrow(),
                        endpoint.commandTimeout(),
                        c::followFailover);
            }
            log.info("Redis for {} connected: {}", purposes, endpoint.redactedUrl());
        } catch (RuntimeException e) {
            if (client != null) {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw StartupErrors.explain(purposes, endpoint, keyName, e);
        }
        try {
            connector.checkDurability(keyName);
        } catch (RuntimeException e) {
            connector.close();
            throw e;
        }
        return connector;
    }

    /**
     * Reads persistence, eviction and replicas of the deployment when it holds tokens or sessions and
     * warns, or refuses to start ({@code durability.check = strict}), if acknowledged writes could be
     * lost. An INFO the ACL does not allow is reported, not fatal (unless strict).
     */
    private void checkDurability(UnaryOperator<String> keyName) {
        Durability d = endpoint.durability();
        if (d.check() == Durability.Check.OFF || !DeploymentCheck.guardsSecurityState(purposes)) {
            return;
        }
        List<String> risks;
        try {
            risks = DeploymentCheck.risks(
                    HealthProbe.infos(this, stateful).stream()
                            .map(HealthProbe::parse)
                            .toList(),
                    d);
        } catch (RuntimeException e) {
            risks = List.of("cannot read INFO to check persistence and eviction: " + e.getMessage());
        }
        if (risks.isEmpty()) {
            return;
        }
        String key = keyName.apply("durability.check");
        if (d.check() == Durability.Check.STRICT) {
            throw new ConfigException(
                    key,
                    "Redis for " + purposes + " at " + endpoint.redactedUrl()
                            + " could lose acknowledged writes: " + String.join("; ", risks)
                            + ". Fix the deployment, or set "
                            + key + " = warn to start anyway.");
        }
        risks.forEach(r -> log.warn(
                "Redis for {} at {} could lose acknowledged writes: {} (set {} = strict to refuse" + " to start)",
                purposes,
                endpoint.redactedUrl(),
                r,
                key));
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> c) {
        if (c instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<String, String>) c).async();
    }

    /**
     * The longest a call can take before it fails: the command timeout, plus as much again at most for time
     * this process was paused (a full GC, a starved CPU; see docs/REDIS.md). Code that waits for a future of
     * this connector waits this long; the call's own deadline ends it sooner when the process was not paused.
     */
    public Duration longestCall() {
        return longestCall;
    }

    /** How this connector's synchronous calls wait for their reply. */
    ReplyWait replyWait() {
        return replyWait;
    }

    /**
     * Waits for a call of this connector at most {@code timeout}, as {@link CompletableFuture#get(long,
     * TimeUnit)} does; a lone caller spins for the reply first, as every synchronous call of a
     * {@link RedisConnection} does (setting {@code spin-wait}, docs/REDIS.md). For code that waits for the
     * futures of {@link RedisConnection#async} or {@link RedisConnection#evalAsync} itself.
     */
    public <T> T await(CompletableFuture<T> call, long timeout, TimeUnit unit)
            throws ExecutionException, InterruptedException, TimeoutException {
        return replyWait.await(call, timeout, unit);
    }

    /** Fails {@code call} with a timeout once it had {@code timeout} of this process's running time. */
    void bound(CompletableFuture<?> call, Duration timeout) {
        Deadline.bound(call, timeout, resources.timer(), pauseClock);
    }

    /** The shared connection: use it for everything that does not block on the server. */
    public RedisConnection connection() {
        return shared;
    }

    /** Shorthand for {@code connection().sync(command)}. */
    public <T> T sync(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return shared.sync(command);
    }

    /**
     * Offline tooling only (the developers' guide allows SCAN there, never on a request path): walks every
     * key matching {@code match} with SCAN, on every master of a Cluster, handing each page to
     * {@code page} until the walk ends or {@code page} returns false.
     */
    public void scan(String match, java.util.function.Predicate<List<String>> page) {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        io.lettuce.core.ScanArgs args =
                io.lettuce.core.ScanArgs.Builder.matches(match).limit(1000);
        boolean more;
        do {
            io.lettuce.core.ScanCursor from = cursor;
            io.lettuce.core.KeyScanCursor<String> keys = sync(c -> c.scan(from, args));
            more = page.test(keys.getKeys());
            cursor = keys;
        } while (more && !cursor.isFinished());
    }

    /**
     * Offline tooling only: one page of a SCAN walk over the keys matching {@code match} that can be
     * resumed from a stored position, also by another process. Standalone and Sentinel: the position is
     * the SCAN cursor. Cluster: every master in the order of their node ids, the position being
     * {@code <node id>:<cursor>}; a position naming a node that is no longer a master (a failover or a
     * resharding since it was stored) starts the walk again at the first master. A walk may visit a key
     * twice, and keys written during the walk may be missed: what SCAN guarantees, per master.
     *
     * @param position where to continue, from {@link KeyPage#next()}; empty to start
     * @param count    the SCAN COUNT hint
     */
    public CompletableFuture<KeyPage> scanPage(String match, Optional<String> position, int count) {
        io.lettuce.core.ScanArgs args =
                io.lettuce.core.ScanArgs.Builder.matches(match).limit(count);
        if (!(stateful instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            io.lettuce.core.ScanCursor from = io.lettuce.core.ScanCursor.of(position.orElse("0"));
            return async(c -> c.scan(from, args))
                    .thenApply(page -> new KeyPage(
                            page.getKeys(), page.isFinished() ? Optional.empty() : Optional.of(page.getCursor())));
        }
        List<String> masters = cluster.getPartitions().stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM))
                .map(RedisClusterNode::getNodeId)
                .sorted()
                .toList();
        String node = masters.get(0);
        String cursor = "0";
        if (position.isPresent()) {
            int colon = position.get().indexOf(':');
            String stored = colon < 0 ? "" : position.get().substring(0, colon);
            if (masters.contains(stored)) {
                node = stored;
                cursor = position.get().substring(colon + 1);
            } else {
                log.warn("the scan position names node {}, no longer a master: the walk starts again", stored);
            }
        }
        String on = node;
        io.lettuce.core.ScanCursor from = io.lettuce.core.ScanCursor.of(cursor);
        return async(c -> cluster.getConnection(on).async().scan(from, args)).thenApply(page -> {
            Optional<String> next;
            if (!page.isFinished()) {
                next = Optional.of(on + ":" + page.getCursor());
            } else {
                int i = masters.indexOf(on);
                next = i + 1 < masters.size() ? Optional.of(masters.get(i + 1) + ":0") : Optional.empty();
            }
            return new KeyPage(page.getKeys(), next);
        });
    }

    /** Shorthand for {@code connection().async(command)}. */
    public <T> CompletableFuture<T> async(
            Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
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
     * Runs a script that is a security write (a revocation, a refresh rotation, a session end, a
     * lockout) with this deployment's {@link Durability}: in {@code async} mode as
     * {@link #eval}; in {@code replicated} mode it returns only once {@code WAIT} confirmed the
     * configured number of replicas, else it throws {@link io.gatehouse.store.StoreDurabilityException}
     * (the master has applied it, but a failover could undo it).
     */
    public <T> T evalDurable(RedisScript script, List<String> keys, String... args) {
        Durability d = endpoint.durability();
        if (!d.replicated()) {
            return shared.eval(script, keys, args);
        }
        RedisConnection c = durable();
        return c.await(c.<T>evalReplicated(script, keys, d.replicas(), d.timeout(), args));
    }

    /** {@link #evalDurable} without waiting. */
    public <T> CompletableFuture<T> evalDurableAsync(RedisScript script, List<String> keys, String... args) {
        Durability d = endpoint.durability();
        if (!d.replicated()) {
            return shared.evalAsync(script, keys, args);
        }
        return durable().evalReplicated(script, keys, d.replicas(), d.timeout(), args);
    }

    /**
     * The least busy of the connections replicated writes use. They have their own, because {@code WAIT}
     * holds up every command queued behind it on its connection (ordinary commands must not wait for
     * replicas), and several, so that while a replica is missing one write waiting out its
     * {@code WAIT} timeout does not make the others queue past the command timeout.
     */
    private RedisConnection durable() {
        RedisConnection[] pool = durable;
        if (pool == null) {
            synchronized (this) {
                pool = durable;
                if (pool == null) {
                    pool = new RedisConnection[DURABLE_CONNECTIONS];
                    for (int i = 0; i < pool.length; i++) {
                        pool[i] = openDedicated();
                    }
                    durable = pool;
                }
            }
        }
        RedisConnection best = pool[0];
        for (RedisConnection c : pool) {
            if (c.inFlight() < best.inFlight()) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Opens a connection of its own, for commands that block on the server ({@code XREAD BLOCK}). The
     * caller closes it. It shares this target's circuit breaker.
     */
    public RedisConnection openDedicated() {
        try {
            StatefulConnection<String, String> c;
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<String, String> cc = cluster.connect(Utf8Codec.INSTANCE);
                ClusterWarmUp.warmUp(cc, endpoint.keyPrefix(), endpoint.connectTimeout());
                c = cc;
            } else {
                c = ((RedisClient) client)
                        .connect(
                                Utf8Codec.INSTANCE,
                                LettuceClients.uris(endpoint).get(0));
            }
            RedisConnection opened = new RedisConnection(this, c, commandsOf(c), true);
            dedicated.add(opened);
            return opened;
        } catch (RuntimeException e) {
            throw LettuceErrors.translate(target, null, e);
        }
    }

    /**
     * The Sentinels switched the master: make every connection reconnect now (QUIT; Lettuce reconnects
     * and asks the Sentinels for the master), rather than stay on the demoted node. Calls in flight fail
     * as unavailable and may be retried.
     */
    private void followFailover(String newMaster) {
        log.warn("Redis for {}: Sentinel switched the master to {}; reconnecting", purposes, newMaster);
        shared.reconnect();
        dedicated.forEach(RedisConnection::reconnect);
        StatefulRedisPubSubConnection<String, String> ps = pubSub;
        if (ps != null) {
            ps.async().quit();
        }
    }

    void forget(RedisConnection connection) {
        dedicated.remove(connection);
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
                        shared.sync(c ->
                                cluster.getConnection(node.getNodeId()).async().scriptLoad(script.body()));
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
                    ? cluster.connectPubSub(Utf8Codec.INSTANCE)
                    : ((RedisClient) client)
                            .connectPubSub(
                                    Utf8Codec.INSTANCE,
                                    LettuceClients.uris(endpoint).get(0));
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

    /** The purposes served, comma-separated ({@code tokens,sessions}). */
    public String purposes() {
        return purposes;
    }

    /** The purposes served and the redacted URL, as used in errors and health. */
    public String target() {
        return target;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** Tells the listener about a failed call; a misbehaving listener never fails the caller. */
    void failed(StoreException error) {
        try {
            commands.failed(target, error);
        } catch (RuntimeException e) {
            log.debug("Redis command listener failed", e);
        }
    }

    Duration commandTimeout() {
        return endpoint.commandTimeout();
    }

    @Override
    public void close() {
        breaker.shutdown();
        scheduler.shutdownNow();
        if (sentinelWatch != null) {
            sentinelWatch.close();
        }
        if (durable != null) {
            for (RedisConnection c : durable) {
                c.close();
            }
        }
        if (pubSub != null) {
            pubSub.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
