package io.gatehouse.spring.security;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The revocation state is older than its staleness budget and the policy is fail-closed: the token may well
 * be good, so this is answered 503 with {@code Retry-After} (a temporary failure), never 401 (a client would
 * throw its tokens away). Not a {@code JwtException}, so Spring's JWT provider lets it through unchanged.
 */
public class RevocationUnknownException extends OAuth2AuthenticationException {
    private static final long serialVersionUID = 1L;

    public RevocationUnknownException() {
        super(new OAuth2Error(
                "temporarily_unavailable",
                "the token revocation state cannot be checked right now; retry shortly",
                null));
    }
}
