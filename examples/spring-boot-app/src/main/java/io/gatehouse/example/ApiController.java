package io.gatehouse.example;

import io.gatehouse.spring.ratelimit.RateLimited;
import java.util.Map;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The API protected by Gatehouse access tokens. */
@RestController
public class ApiController {

    @GetMapping("/api/me")
    public Map<String, Object> me(JwtAuthenticationToken auth) {
        return Map.of(
                "subject",
                auth.getName(),
                "session",
                String.valueOf(auth.getToken().getClaimAsString("sid")),
                "authorities",
                auth.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .sorted()
                        .toList());
    }

    @GetMapping("/api/admin/stats")
    public Map<String, Object> adminStats() {
        return Map.of("ok", true);
    }

    @RateLimited(policy = "example", subject = RateLimited.Subject.IP)
    @GetMapping("/public/limited")
    public Map<String, Object> limited() {
        return Map.of("ok", true);
    }
}
