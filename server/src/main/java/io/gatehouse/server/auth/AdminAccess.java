package io.gatehouse.server.auth;

import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Map;
import java.util.Optional;

/**
 * The admin check: a user whose access token carries the role {@value Caller#ADMIN_ROLE} (Bearer), or a
 * configured client with the scope {@value OAuthClient#ADMIN} (HTTP Basic, RFC 6749 §2.3.1 encoding).
 * Failures are problem details: 401 (no or bad credentials, with both challenges) or 403 (authenticated,
 * but not an administrator). An admin user's changes (every method but GET and HEAD) need a recent
 * authentication ({@link StepUp}); an admin client has no user to re-authenticate and is not asked.
 */
public final class AdminAccess {
    private final BearerAuthenticator bearer;
    private final ClientRegistry clients;
    private final StepUp stepUp;

    public AdminAccess(BearerAuthenticator bearer, ClientRegistry clients, StepUp stepUp) {
        this.bearer = bearer;
        this.clients = clients;
        this.stepUp = stepUp;
    }

    /**
     * Who is acting as administrator.
     *
     * @param user   the admin user's caller, when authenticated by token
     * @param client the admin client, when authenticated by client credentials
     */
    public record Admin(Optional<Caller> user, Optional<OAuthClient> client) {
        /** {@code user:<id>} or {@code client:<id>}, for security events and logs. */
        public String actor() {
            return user.map(c -> "user:" + c.userId())
                    .orElseGet(() -> "client:" + client.orElseThrow().id());
        }

        /** This administrator as the actor of a core account action, seen from {@code from}. */
        public io.gatehouse.account.Actor actor(ClientInfo from) {
            io.gatehouse.account.Actor a = user.map(c -> new io.gatehouse.account.Actor(
                            io.gatehouse.account.Actor.Kind.ADMIN,
                            c.userId(),
                            Optional.of(c.sessionId()),
                            Optional.empty(),
                            Optional.empty()))
                    .orElseGet(() -> new io.gatehouse.account.Actor(
                            io.gatehouse.account.Actor.Kind.CLIENT,
                            client.orElseThrow().id(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()));
            return a.from(Optional.of(from.ip()), from.userAgent());
        }
    }

    /**
     * The administrator making {@code req}.
     *
     * @throws ProblemException 401 or 403
     */
    public Admin require(ServerRequest req) {
        String authorization = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        Optional<ClientCredentials> basic;
        try {
            basic = ClientCredentials.fromBasic(authorization);
        } catch (InvalidClientException e) {
            throw unauthorized(e.getMessage());
        }
        if (basic.isPresent()) {
            OAuthClient client;
            try {
                client = clients.authenticate(basic.get(), ClientInfo.of(req));
            } catch (InvalidClientException e) {
                throw unauthorized(e.getMessage());
            }
            if (!client.hasScope(OAuthClient.ADMIN)) {
                throw forbidden("this client does not have the admin scope");
            }
            Exchange.of(req).userId("client:" + client.id());
            return new Admin(Optional.empty(), Optional.of(client));
        }
        if (BearerAuthenticator.bearerToken(authorization).isEmpty()) {
            throw unauthorized("the admin API needs an admin's access token or an admin client's credentials");
        }
        Caller caller = bearer.authenticate(req);
        if (!caller.isAdmin()) {
            throw forbidden("this user does not have the admin role");
        }
        String method = req.prologue().method().text();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            stepUp.require(caller.token());
        }
        return new Admin(Optional.of(caller), Optional.empty());
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(
                Problem.typed("unauthenticated", 401, "Unauthorized", detail),
                Map.of(
                        "WWW-Authenticate",
                        "Bearer " + BearerAuthenticator.REALM + ", Basic " + BearerAuthenticator.REALM
                                + ", charset=\"UTF-8\""));
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.typed("forbidden", 403, "Forbidden", detail));
    }
}
