package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Opens the application's {@link Gatehouse} through {@link Gatehouse#builder()}, from the {@code gatehouse.*}
 * properties, without the user database unless {@code gatehouse.spring.users=true} (a Spring application
 * usually has its own users). Closed with the application context.
 */
@AutoConfiguration
@ConditionalOnClass(Gatehouse.class)
@EnableConfigurationProperties(GatehouseProperties.class)
public class GatehouseAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public GatehouseConfig gatehouseConfig(ConfigurableEnvironment environment, GatehouseProperties properties) {
        return GatehouseConfigs.from(environment, properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Gatehouse gatehouse(
            GatehouseConfig config,
            GatehouseProperties properties,
            ObjectProvider<GatehouseBuilderCustomizer> customizers) {
        Gatehouse.Builder builder = Gatehouse.builder().config(config);
        if (!properties.getSpring().isUsers()) {
            builder.withoutUsers();
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }
}
