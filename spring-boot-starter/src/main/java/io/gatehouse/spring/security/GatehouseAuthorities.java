package io.gatehouse.spring.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a Gatehouse access token into an authentication: {@code roles} become {@code ROLE_<role>} (so
 * {@code hasRole("admin")} works) and {@code permissions} become authorities as they are; the name is
 * {@code sub}. Spring's default converter reads {@code scope}/{@code scp}, which Gatehouse tokens do not carry.
 */
public final class GatehouseAuthorities implements Converter<Jwt, AbstractAuthenticationToken> {

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        return new JwtAuthenticationToken(
                jwt,
                authorities(jwt.getClaimAsStringList("roles"), jwt.getClaimAsStringList("permissions")),
                jwt.getSubject());
    }

    /** {@code ROLE_<role>} for each role, each permission as it is. */
    public static Collection<GrantedAuthority> authorities(List<String> roles, List<String> permissions) {
        List<GrantedAuthority> out = new ArrayList<>();
        if (roles != null) {
            roles.forEach(r -> out.add(new SimpleGrantedAuthority("ROLE_" + r)));
        }
        if (permissions != null) {
            permissions.forEach(p -> out.add(new SimpleGrantedAuthority(p)));
        }
        return out;
    }
}
