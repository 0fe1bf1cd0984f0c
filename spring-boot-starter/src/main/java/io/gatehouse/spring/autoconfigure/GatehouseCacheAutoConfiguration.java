package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;
import io.gatehouse.spring.cache.GatehouseCacheManager;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * A {@link GatehouseCacheManager} from {@code gatehouse.spring.cache.*}, unless the application has a
 * {@link CacheManager}. Runs before Spring Boot's cache auto-configuration, which then backs off.
 * {@code @EnableCaching} is still the application's choice.
 */
@AutoConfiguration(
        after = GatehouseAutoConfiguration.class,
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, Gatehouse.class})
@ConditionalOnProperty(name = "gatehouse.spring.cache.enabled", havingValue = "true", matchIfMissing = true)
public class GatehouseCacheAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    public GatehouseCacheManager gatehouseCacheManager(Gatehouse gatehouse, GatehouseProperties properties) {
        GatehouseProperties.Cache cache = properties.getSpring().getCache();
        GatehouseCacheManager.Builder b =
                GatehouseCacheManager.builder(gatehouse.caches()).defaultTtl(cache.getDefaultTtl());
        cache.getSpecs().forEach((name, spec) -> {
            Duration ttl = spec.getTtl() != null ? spec.getTtl() : cache.getDefaultTtl();
            b.cache(name, spec.getType(), ttl);
        });
        return b.build();
    }
}
