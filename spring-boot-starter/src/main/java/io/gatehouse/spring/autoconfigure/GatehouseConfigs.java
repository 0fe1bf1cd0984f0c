package io.gatehouse.spring.autoconfigure;

import io.gatehouse.config.GatehouseConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Builds the {@link GatehouseConfig} of a Spring application: every {@code gatehouse.*} key of the
 * environment (application.properties, profiles, system properties), the typed ones as Spring bound them,
 * and the process's {@code GATEHOUSE_*} variables on top, as the server reads them.
 */
final class GatehouseConfigs {
    private GatehouseConfigs() {}

    static GatehouseConfig from(ConfigurableEnvironment environment, GatehouseProperties typed) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (name.startsWith("gatehouse.")
                            && !name.startsWith("gatehouse.spring.")
                            && !keys.containsKey(name)) {
                        String value = environment.getProperty(name);
                        if (value != null) {
                            keys.put(name, value);
                        }
                    }
                }
            }
        }
        keys.putAll(typed.typedKeys());
        return GatehouseConfig.of(keys, System.getenv());
    }
}
