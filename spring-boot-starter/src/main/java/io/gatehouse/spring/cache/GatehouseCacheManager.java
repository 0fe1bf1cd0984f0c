package io.gatehouse.spring.cache;

import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} over Gatehouse {@link Caches}. Gatehouse caches are typed (values are JSON of one
 * class), so each cache is declared with its value type and TTL; a name that was not declared is created on
 * first use with {@code Object} values (maps and lists) and the default TTL.
 *
 * <pre>{@code
 * GatehouseCacheManager.builder(gatehouse.caches()).defaultTtl(Duration.ofMinutes(10))
 *         .cache("products", Product.class, Duration.ofMinutes(5)).build();
 * }</pre>
 */
public final class GatehouseCacheManager implements CacheManager {
    private final Caches caches;
    private final Duration defaultTtl;
    private final Map<String, Spec> specs;
    private final Map<String, GatehouseSpringCache> made = new ConcurrentHashMap<>();

    private GatehouseCacheManager(Builder b) {
        this.caches = b.caches;
        this.defaultTtl = b.defaultTtl;
        this.specs = Map.copyOf(b.specs);
    }

    public static Builder builder(Caches caches) {
        return new Builder(Objects.requireNonNull(caches, "caches"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public org.springframework.cache.Cache getCache(String name) {
        return made.computeIfAbsent(name, n -> {
            Spec spec = specs.getOrDefault(n, new Spec(Object.class, defaultTtl));
            Cache<Object> cache = (Cache<Object>) caches.cache(n, spec.type());
            return new GatehouseSpringCache(cache, spec.ttl());
        });
    }

    @Override
    public Collection<String> getCacheNames() {
        java.util.Set<String> names = new java.util.TreeSet<>(specs.keySet());
        names.addAll(made.keySet());
        return List.copyOf(names);
    }

    private record Spec(Class<?> type, Duration ttl) {}

    /** Assembles a {@link GatehouseCacheManager}; setters in any order. */
    public static final class Builder {
        private final Caches caches;
        private Duration defaultTtl = Duration.ofMinutes(10);
        private final Map<String, Spec> specs = new LinkedHashMap<>();

        private Builder(Caches caches) {
            this.caches = caches;
        }

        /** TTL of caches declared without one and of undeclared caches. */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /** Declares cache {@code name} holding {@code type} values for {@code ttl}. */
        public Builder cache(String name, Class<?> type, Duration ttl) {
            specs.put(
                    Objects.requireNonNull(name, "name"),
                    new Spec(Objects.requireNonNull(type, "type"), Objects.requireNonNull(ttl, "ttl")));
            return this;
        }

        public GatehouseCacheManager build() {
            if (defaultTtl.isZero() || defaultTtl.isNegative()) {
                throw new IllegalArgumentException("the default TTL must be positive");
            }
            return new GatehouseCacheManager(this);
        }
    }
}
