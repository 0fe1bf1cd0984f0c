package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;
import io.gatehouse.spring.actuate.GatehouseHealth;
import io.gatehouse.spring.actuate.GatehouseMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The actuator's {@code gatehouse} health contributor and Gatehouse's Micrometer meters. */
@AutoConfiguration(after = GatehouseAutoConfiguration.class)
@ConditionalOnClass(Gatehouse.class)
public class GatehouseActuatorAutoConfiguration {

    /** Health: one indicator per Redis target and per capability. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthContributor.class)
    static class Health {
        @Bean(name = "gatehouseHealthContributor")
        @ConditionalOnMissingBean(name = "gatehouseHealthContributor")
        CompositeHealthContributor gatehouseHealthContributor(Gatehouse gatehouse) {
            return GatehouseHealth.of(gatehouse);
        }
    }

    /** Meters: the listeners are added to the builder, so they exist before Gatehouse opens. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        GatehouseBuilderCustomizer gatehouseMetersCustomizer(ObjectProvider<MeterRegistry> registry) {
            return builder -> registry.ifAvailable(r -> new GatehouseMeters(r).register(builder));
        }

        @Bean
        MeterBinder gatehouseMeterBinder(Gatehouse gatehouse) {
            return r -> new GatehouseMeters(r).bind(gatehouse);
        }
    }
}
