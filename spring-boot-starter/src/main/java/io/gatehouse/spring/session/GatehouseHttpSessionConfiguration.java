package io.gatehouse.spring.session;

import io.gatehouse.Gatehouse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;

/** What {@link EnableGatehouseHttpSession} imports: Spring Session's filter, the repository, the registry. */
@Configuration(proxyBeanMethods = false)
@EnableSpringHttpSession
public class GatehouseHttpSessionConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public GatehouseSessionRepository gatehouseSessionRepository(Gatehouse gatehouse) {
        return new GatehouseSessionRepository(gatehouse.sessions(), gatehouse.clock());
    }

    /** The registry Spring Security's concurrent-session control reads (by principal name, across instances). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SessionRegistry.class)
    static class Registry {
        @Bean
        @ConditionalOnMissingBean(SessionRegistry.class)
        GatehouseSessionRegistry gatehouseSessionRegistry(GatehouseSessionRepository repository) {
            return new GatehouseSessionRegistry(repository);
        }
    }
}
