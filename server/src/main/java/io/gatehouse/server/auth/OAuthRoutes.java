package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.ConstantHeader;
import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.OAuthError;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.token.TokenService;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The standard OAuth endpoints:
 * <ul>
 *   <li>{@code POST /oauth2/token}: RFC 6749 grants {@code password} (§4.3) and {@code refresh_token} (§6),
 *       form-encoded; client authentication optional (public clients send none); §5.1 answers with
 *       {@code Cache-Control: no-store}, §5.2 errors;</li>
 *   <li>{@code POST /oauth2/revoke}: RFC 7009, clients with the {@value OAuthClient#REVOKE} scope;</li>
 *   <li>{@code POST /oauth2/introspect}: RFC 7662, clients with the {@value OAuthClient#INTROSPECT} scope;</li>
 *   <li>{@code GET /.well-known/oauth-authorization-server}: RFC 8414 metadata, {@code issuer} equal to the
 *       tokens' {@code iss};</li>
 *   <li>{@code GET /.well-known/jwks.json}: the public keys (RFC 7517), cacheable for a short time.</li>
 * </ul>
 * Clients authenticate with HTTP Basic (RFC 6749 §2.3.1 encoding) or, as §2.3.1 also allows, with
 * {@code client_id}/{@code client_secret} in the form; never both.
 */
public final class OAuthRoutes implements RouteGroup {
    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post");
    // RFC 6749 5.1 asks for both on token answers; built and validated once, their wire bytes cached by Helidon.
    private static final Header NO_STORE = ConstantHeader.of(HeaderNames.CACHE_CONTROL, "no-store");
    private static final Header NO_CACHE = ConstantHeader.of(HeaderNames.PRAGMA, "no-cache");

    private final LoginService logins;
    private final OAuthService oauth;
    private final ClientRegistry clients;
    private final TokenService tokens;
    private final AuthSettings settings;
    private final long maxBodyBytes;
    private final IntrospectionBodies bodies = new IntrospectionBodies();
    private final IntrospectionForms introspectionForms = new IntrospectionForms();

    public OAuthRoutes(
            LoginService logins,
            OAuthService oauth,
            ClientRegistry clients,
            TokenService tokens,
            AuthSettings settings,
            long maxBodyBytes) {
        this.logins = logins;
        this.oauth = oauth;
        this.clients = clients;
        this.tokens = tokens;
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/oauth2/token", oauthErrors(this::token));
        routes.post("/oauth2/revoke", oauthErrors(this::revoke));
        routes.post("/oauth2/introspect", oauthErrors(this::introspect));
        routes.get("/.well-known/oauth-authorization-server", this::metadata);
        routes.get("/.well-known/jwks.json", this::jwks);
    }

    private void token(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req, maxBodyBytes);
        authenticateClient(req, form, false);
        String grant = form.require("grant_type");
        if (grant.equals("password") && !settings.passwordGrant()) {
            throw new OAuthException(OAuthError.unsupportedGrantType("the password grant is turned off here ("
                    + AuthSettings.PASSWORD_GRANT + "); grant_type must be refresh_token"));
        }
        LoginService.Issued issued = switch (grant) {
            case "password" ->
                logins.login(new LoginService.LoginRequest(
                        form.require("username"),
                        form.require("password"),
                        ClientInfo.of(req),
                        Optional.empty(),
                        Optional.empty()));
            case "refresh_token" -> logins.refresh(form.require("refresh_token"), ClientInfo.of(req));
            default ->
                throw new OAuthException(
                        OAuthError.unsupportedGrantType("grant_type must be password or refresh_token"));
        };
        Exchange.of(req).userId(issued.session().userId());
        issued.rateLimitHeaders().forEach(res::header);
        noStore(res);
        Json.sendObject(res, 200, AuthRoutes.tokenBody(issued.tokens(), issued.expiresIn()));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req, maxBodyBytes);
        OAuthClient client = authenticateClient(req, form, true).orElseThrow();
        if (!client.hasScope(OAuthClient.REVOKE)) {
            throw new OAuthException(new OAuthError("unauthorized_client", "this client may not revoke tokens"));
        }
        // token_type_hint is optional and only a hint (RFC 7009 §2.1): every kind of token is tried anyway.
        oauth.revoke(client, form.require("token"));
        noStore(res);
        res.status(io.helidon.http.Status.OK_200).send();
    }

    private void introspect(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req, maxBodyBytes, introspectionForms);
        OAuthClient client = authenticateClient(req, form, true).orElseThrow();
        if (!client.hasScope(OAuthClient.INTROSPECT)) {
            throw new OAuthException(new OAuthError("unauthorized_client", "this client may not introspect tokens"));
        }
        Introspection answer = oauth.introspect(client, form.require("token"));
        noStore(res);
        Json.sendBytes(res, 200, bodies.body(answer));
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        String base = settings.publicUrl();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", tokens.issuer());
        m.put("token_endpoint", base + "/oauth2/token");
        m.put("jwks_uri", base + "/.well-known/jwks.json");
        m.put("revocation_endpoint", base + "/oauth2/revoke");
        m.put("introspection_endpoint", base + "/oauth2/introspect");
        m.put(
                "grant_types_supported",
                settings.passwordGrant() ? List.of("password", "refresh_token") : List.of("refresh_token"));
        // No authorization endpoint: no response type is supported (RFC 8414 §2 lists the member as required).
        m.put("response_types_supported", List.of());
        List<String> tokenAuth = new ArrayList<>(AUTH_METHODS);
        tokenAuth.add("none");
        m.put("token_endpoint_auth_methods_supported", tokenAuth);
        m.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        // RFC 8414 has no member for the access-token signing algorithms; resource servers take "alg" from
        // the JWKS. This extension names them for humans and simple clients.
        m.put("access_token_signing_alg_values_supported", signingAlgorithms());
        m.put("service_documentation", base + "/openapi.yaml");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
        Json.send(res, 200, m);
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        // Short enough that a rotation's new key is seen soon; resource servers also refetch on an unknown kid.
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300, stale-while-revalidate=60");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(tokens.jwks());
    }

    private List<String> signingAlgorithms() {
        Set<String> algs = new LinkedHashSet<>();
        try {
            for (JsonNode key : Json.MAPPER.readTree(tokens.jwks()).path("keys")) {
                if (key.hasNonNull("alg")) {
                    algs.add(key.get("alg").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(algs);
    }

    /**
     * The authenticated client of an OAuth request, or empty for a public client where that is allowed.
     *
     * @throws OAuthException {@code invalid_client} (401, Basic challenge) or {@code invalid_request}
     */
    private Optional<OAuthClient> authenticateClient(ServerRequest req, Form form, boolean required) {
        Optional<ClientCredentials> basic;
        try {
            basic = ClientCredentials.fromBasic(
                    req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        } catch (InvalidClientException e) {
            throw new OAuthException(OAuthError.invalidClient(e.getMessage()));
        }
        Optional<String> postSecret = form.get("client_secret");
        if (basic.isPresent() && postSecret.isPresent()) {
            throw new OAuthException(OAuthError.invalidRequest("use one client authentication method, not two"));
        }
        Optional<ClientCredentials> credentials =
                basic.isPresent() ? basic : postSecret.map(s -> new ClientCredentials(form.require("client_id"), s));
        if (credentials.isEmpty()) {
            Optional<String> publicId = form.get("client_id");
            if (required || publicId.flatMap(clients::client).isPresent()) {
                // A confidential client must authenticate; endpoints that need a client need credentials.
                throw new OAuthException(OAuthError.invalidClient("client authentication is required"));
            }
            return Optional.empty();
        }
        OAuthClient client;
        try {
            client = clients.authenticate(credentials.get(), ClientInfo.of(req));
        } catch (InvalidClientException e) {
            throw new OAuthException(OAuthError.invalidClient(e.getMessage()));
        }
        Exchange.of(req).userId("client:" + client.id());
        return Optional.of(client);
    }

    private static void noStore(ServerResponse res) {
        res.header(NO_STORE);
        res.header(NO_CACHE);
    }

    /** Renders OAuth exceptions and auth failures as RFC 6749 errors; everything else goes to the common handling. */
    private static Handler oauthErrors(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (OAuthException e) {
                e.error().send(res);
            } catch (AuthFailure e) {
                AuthAnswers.oauth(e).send(res);
            }
        };
    }
}
