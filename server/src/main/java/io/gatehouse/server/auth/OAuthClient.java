package io.gatehouse.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * An OAuth client configured in {@code gatehouse.server.clients}: a backend that introspects or revokes
 * tokens, or an operator tool calling the admin API.
 *
 * @param id     the {@code client_id}
 * @param scopes what it may do: {@value #INTROSPECT}, {@value #REVOKE}, {@value #ADMIN}, ...
 */
public record OAuthClient(String id, Set<String> scopes) {
    /** May call {@code POST /oauth2/introspect}. */
    public static final String INTROSPECT = "introspect";
    /** May revoke tokens it did not hold itself at {@code POST /oauth2/revoke}. */
    public static final String REVOKE = "revoke";
    /** May call the admin API. */
    public static final String ADMIN = "admin";

    public OAuthClient {
        Objects.requireNonNull(id, "id");
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
