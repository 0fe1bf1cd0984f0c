package io.gatehouse.spring.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * The resource-server setup in one customizer: the application's {@link JwtDecoder} (the starter's
 * {@link GatehouseJwtDecoder} unless replaced), roles as authorities, and the server's 401/503 answers.
 *
 * <pre>{@code
 * @Bean SecurityFilterChain api(HttpSecurity http, GatehouseResourceServer gatehouse) throws Exception {
 *     return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
 *             .oauth2ResourceServer(gatehouse)
 *             .build();
 * }
 * }</pre>
 */
public final class GatehouseResourceServer implements Customizer<OAuth2ResourceServerConfigurer<HttpSecurity>> {
    private final JwtDecoder decoder;
    private final Converter<Jwt, ? extends AbstractAuthenticationToken> authorities;
    private final GatehouseBearerEntryPoint entryPoint;

    public GatehouseResourceServer(
            JwtDecoder decoder,
            Converter<Jwt, ? extends AbstractAuthenticationToken> authorities,
            GatehouseBearerEntryPoint entryPoint) {
        this.decoder = decoder;
        this.authorities = authorities;
        this.entryPoint = entryPoint;
    }

    @Override
    public void customize(OAuth2ResourceServerConfigurer<HttpSecurity> resourceServer) {
        resourceServer
                .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(authorities))
                .authenticationEntryPoint(entryPoint);
    }

    /**
     * For applications that issue tokens with the library and authenticate requests themselves (a
     * {@code ProviderManager} of their own): the same checks as an {@link org.springframework.security.authentication.AuthenticationProvider}
     * of {@code BearerTokenAuthenticationToken}s.
     */
    public JwtAuthenticationProvider authenticationProvider() {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(authorities);
        return provider;
    }

    /** The entry point answering 401/503 as the server does (for {@code exceptionHandling} too). */
    public GatehouseBearerEntryPoint entryPoint() {
        return entryPoint;
    }
}
