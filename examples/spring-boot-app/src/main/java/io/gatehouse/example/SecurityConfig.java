package io.gatehouse.example;

import io.gatehouse.spring.security.GatehouseResourceServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

/** Two filter chains: bearer tokens for the API, form login with sessions for the site. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /** The API: stateless, Gatehouse access tokens, roles as authorities, the server's 401/503 answers. */
    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, GatehouseResourceServer gatehouse) throws Exception {
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a.requestMatchers("/api/admin/**")
                        .hasRole("admin")
                        .anyRequest()
                        .authenticated())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .oauth2ResourceServer(gatehouse)
                .build();
    }

    /** The site: form login, the session in Gatehouse, at most one session per user across instances. */
    @Bean
    @Order(2)
    SecurityFilterChain site(HttpSecurity http, SessionRegistry sessions) throws Exception {
        return http.authorizeHttpRequests(
                        a -> a.requestMatchers("/public/**", "/actuator/health/**", "/login", "/error")
                                .permitAll()
                                .anyRequest()
                                .authenticated())
                .formLogin(f -> f.successHandler((req, res, auth) -> res.setStatus(200))
                        .failureHandler((req, res, e) -> res.setStatus(401)))
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .sessionManagement(s -> s.maximumSessions(1).sessionRegistry(sessions))
                .requestCache(c -> c.disable())
                .csrf(c -> c.disable())
                .build();
    }

    /** The site's own users (the application keeps its users; Gatehouse keeps the sessions). */
    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("ann")
                        .password("{noop}ann-password")
                        .roles("user")
                        .build(),
                User.withUsername("bob")
                        .password("{noop}bob-password")
                        .roles("user", "admin")
                        .build());
    }
}
