package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;
import io.gatehouse.spring.security.GatehouseAuthorities;
import io.gatehouse.spring.security.GatehouseBearerEntryPoint;
import io.gatehouse.spring.security.GatehouseJwtDecoder;
import io.gatehouse.spring.security.GatehouseResourceServer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * A resource server that refuses revoked Gatehouse tokens: a {@link GatehouseJwtDecoder} (unless the
 * application has a {@link JwtDecoder}), roles as authorities, the server's 401/503 answers. Runs before
 * Spring Boot's resource-server auto-configuration, which then backs off.
 */
@AutoConfiguration(
        after = GatehouseAutoConfiguration.class,
        beforeName =
                "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass({JwtDecoder.class, BearerTokenAuthenticationToken.class, Gatehouse.class})
public class GatehouseSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    public GatehouseJwtDecoder gatehouseJwtDecoder(Gatehouse gatehouse) {
        return new GatehouseJwtDecoder(gatehouse.tokens());
    }

    @Bean
    @ConditionalOnMissingBean
    public GatehouseAuthorities gatehouseAuthorities() {
        return new GatehouseAuthorities();
    }

    @Bean
    @ConditionalOnMissingBean
    public GatehouseBearerEntryPoint gatehouseBearerEntryPoint() {
        return new GatehouseBearerEntryPoint();
    }

    /** Only with Spring Security's configuration DSL present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HttpSecurity.class)
    static class ResourceServerCustomizer {
        @Bean
        @ConditionalOnMissingBean
        GatehouseResourceServer gatehouseResourceServer(
                JwtDecoder decoder, GatehouseAuthorities authorities, GatehouseBearerEntryPoint entryPoint) {
            return new GatehouseResourceServer(decoder, authorities, entryPoint);
        }
    }
}
