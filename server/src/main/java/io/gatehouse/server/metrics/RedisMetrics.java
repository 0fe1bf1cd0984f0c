package io.gatehouse.server.metrics;

import io.gatehouse.backend.Stores;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.StoreDurabilityException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import io.gatehouse.store.StoreScriptException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis meters: {@code gatehouse.redis.commands} (a latency histogram per target and command, fed by
 * the connectors' {@link RedisCommandListener}), {@code gatehouse.redis.errors} (failed calls per target
 * and kind: {@code full} when Redis is out of memory, {@code durability} when replicas did not confirm a
 * security write, {@code timeout}, {@code unavailable}, {@code script}, {@code command}) and {@code gatehouse.redis.circuit.open} (1 while a
 * target's circuit breaker is open, else 0). Targets are the connectors' {@code purposes@redacted-url}
 * labels: one per configured deployment, never a password.
 */
public final class RedisMetrics implements RedisCommandListener {
    private final MeterRegistry registry;
    /** One timer per target and command, looked up without allocating: this runs for every command. */
    private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

    RedisMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(String target, String command, long nanos) {
        timers.computeIfAbsent(target, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        command,
                        c -> Timer.builder("gatehouse.redis.commands")
                                .description("Redis command latency, write to decoded reply, per target and command")
                                .tag("target", target)
                                .tag("command", c)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                                .maximumExpectedValue(Duration.ofSeconds(2))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failed(String target, StoreException error) {
        registry.counter("gatehouse.redis.errors", "target", target, "error", kind(error))
                .increment();
    }

    /** A short, bounded label: full (out of memory), durability, timeout, unavailable, script, command. */
    static String kind(StoreException e) {
        if (e instanceof StoreFullException) {
            return "full";
        }
        if (e instanceof StoreDurabilityException) {
            return "durability";
        }
        if (e instanceof StoreTimeoutException) {
            return "timeout";
        }
        if (e instanceof StoreUnavailableException) {
            return "unavailable";
        }
        return e instanceof StoreScriptException ? "script" : "command";
    }

    /** Gauges the circuit state of every deployment {@code stores} connects to. */
    public void bindCircuits(Stores stores) {
        stores.circuits()
                .forEach((target, state) -> Gauge.builder(
                                "gatehouse.redis.circuit.open", state, x -> x.get() == CircuitState.OPEN ? 1 : 0)
                        .description("1 while the target's circuit breaker is open (calls fail fast), else 0")
                        .tag("target", target)
                        // The supplier lives only here: a weak reference (the default) would let it be collected.
                        .strongReference(true)
                        .register(registry));
    }
}
