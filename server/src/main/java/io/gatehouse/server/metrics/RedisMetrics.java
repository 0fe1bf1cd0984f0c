package io.gatehouse.server.metrics;

import io.gatehouse.store.CircuitState;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.Stores;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis meters: {@code gatehouse.redis.commands} (a latency histogram per target and command, fed by
 * the connectors' {@link RedisCommandListener}) and {@code gatehouse.redis.circuit.open} (1 while a
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
                .computeIfAbsent(command, c -> Timer.builder("gatehouse.redis.commands")
                        .description("Redis command latency, write to decoded reply, per target and command")
                        .tag("target", target)
                        .tag("command", c)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                        .maximumExpectedValue(Duration.ofSeconds(2))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Gauges the circuit state of every deployment {@code stores} connects to. */
    public void bindCircuits(Stores stores) {
        stores.circuits().forEach((target, state) ->
                Gauge.builder("gatehouse.redis.circuit.open", state, x -> x.get() == CircuitState.OPEN ? 1 : 0)
                        .description("1 while the target's circuit breaker is open (calls fail fast), else 0")
                        .tag("target", target)
                        // The supplier lives only here: a weak reference (the default) would let it be collected.
                        .strongReference(true)
                        .register(registry));
    }
}
