package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;
import io.gatehouse.spring.ratelimit.RateLimitInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** {@code @RateLimited} on Spring MVC handlers: the {@link RateLimitInterceptor}, registered for every path. */
@AutoConfiguration(after = GatehouseAutoConfiguration.class)
@ConditionalOnClass({WebMvcConfigurer.class, Gatehouse.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class GatehouseWebMvcAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public RateLimitInterceptor gatehouseRateLimitInterceptor(Gatehouse gatehouse) {
        return new RateLimitInterceptor(gatehouse.rateLimiter(), gatehouse.policies(), gatehouse.clock());
    }

    @Bean
    public WebMvcConfigurer gatehouseRateLimitConfigurer(RateLimitInterceptor interceptor) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }
}
