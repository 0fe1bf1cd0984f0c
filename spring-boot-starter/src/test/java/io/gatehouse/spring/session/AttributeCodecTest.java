package io.gatehouse.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;

class AttributeCodecTest {

    @Test
    void simpleValuesRoundTripInAFewBytes() {
        for (Object v : new Object[] {"dark", true, false, 42, 7L, LocalDate.of(2026, 12, 6)}) {
            String stored = AttributeCodec.encode("x", v, "ann");
            assertThat(AttributeCodec.decode(stored, "ann")).isEqualTo(v);
        }
        assertThat(AttributeCodec.encode("theme", "dark", "ann")).isEqualTo("sdark");
        assertThat(AttributeCodec.encode("flag", true, "ann")).isEqualTo("b1");
    }

    @Test
    void theSecurityContextKeepsOnlyTheAuthoritiesAndComesBackAuthenticatedAsTheSessionUser() {
        SecurityContext context = new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
                "ann",
                "secret",
                List.of(new SimpleGrantedAuthority("ROLE_user"), new SimpleGrantedAuthority("ROLE_admin"))));
        String stored = AttributeCodec.encode(AttributeCodec.SECURITY_CONTEXT, context, "ann");
        assertThat(stored).isEqualTo("c!ROLE_user,ROLE_admin").doesNotContain("secret");
        SecurityContext back = (SecurityContext) AttributeCodec.decode(stored, "ann");
        assertThat(back.getAuthentication().getName()).isEqualTo("ann");
        assertThat(back.getAuthentication().isAuthenticated()).isTrue();
        assertThat(back.getAuthentication().getAuthorities())
                .extracting(Object::toString)
                .containsExactly("ROLE_user", "ROLE_admin");
        assertThat(AttributeCodec.storedName(AttributeCodec.SECURITY_CONTEXT)).isEqualTo("sc");
        assertThat(AttributeCodec.attributeName("sc")).isEqualTo(AttributeCodec.SECURITY_CONTEXT);
    }

    @Test
    void aCsrfTokenRoundTrips() {
        CsrfToken token = new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "abc-123");
        CsrfToken back =
                (CsrfToken) AttributeCodec.decode(AttributeCodec.encode(AttributeCodec.CSRF, token, "ann"), "ann");
        assertThat(back.getHeaderName()).isEqualTo("X-CSRF-TOKEN");
        assertThat(back.getParameterName()).isEqualTo("_csrf");
        assertThat(back.getToken()).isEqualTo("abc-123");
    }

    @Test
    void whatDoesNotFitIsRefusedNamingTheAttribute() {
        assertThatThrownBy(() -> AttributeCodec.encode("cart", "x".repeat(300), "ann"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cart");
        assertThatThrownBy(() -> AttributeCodec.storedName("has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has space");
        assertThatThrownBy(() -> AttributeCodec.encode("thing", new Object(), "ann"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not Serializable");
    }
}
