package io.gatehouse.spring.session;

import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/** The Spring Security attributes of {@link AttributeCodec}; loaded only when Spring Security is present. */
final class SecurityAttributes {
    private SecurityAttributes() {}

    static boolean handles(Object value) {
        return value instanceof SecurityContext || value instanceof CsrfToken;
    }

    static String encode(Object value, String owner) {
        if (value instanceof CsrfToken t) {
            return "t" + t.getHeaderName() + " " + t.getParameterName() + " " + t.getToken();
        }
        Authentication a = ((SecurityContext) value).getAuthentication();
        if (a == null) {
            return "c";
        }
        if (!a.getName().equals(owner)) {
            throw new IllegalStateException("the security context names another user than the session's");
        }
        return "c!"
                + String.join(
                        ",",
                        a.getAuthorities().stream()
                                .map(GrantedAuthority::getAuthority)
                                .toList());
    }

    static Object decode(String stored, String owner) {
        if (stored.charAt(0) == 't') {
            String[] parts = stored.substring(1).split(" ", 3);
            return new DefaultCsrfToken(parts[0], parts[1], parts[2]);
        }
        SecurityContextImpl context = new SecurityContextImpl();
        if (stored.startsWith("c!")) {
            String list = stored.substring(2);
            List<GrantedAuthority> authorities = list.isEmpty()
                    ? List.of()
                    : java.util.Arrays.stream(list.split(","))
                            .<GrantedAuthority>map(SimpleGrantedAuthority::new)
                            .toList();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(owner, null, authorities));
        }
        return context;
    }

    static Optional<String> principal(Object value) {
        if (value instanceof SecurityContext c
                && c.getAuthentication() != null
                && c.getAuthentication().isAuthenticated()) {
            return Optional.of(c.getAuthentication().getName());
        }
        return Optional.empty();
    }
}
