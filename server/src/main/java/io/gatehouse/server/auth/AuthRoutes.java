package io.gatehouse.server.auth;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.token.TokenPair;
import io.gatehouse.user.Registration;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * The auth API ({@code /api/v1/auth/*}): register, login, refresh, logout, logout-all. Handlers parse,
 * call a service and render; failures are problem details (RFC 9457).
 */
public final class AuthRoutes implements RouteGroup {
    private static final int MAX_DEVICE_NAME = 100;
    private static final int MAX_FINGERPRINT = 512;
    // The token response's member names, UTF-8 encoded once.
    private static final SerializedString ACCESS_TOKEN = new SerializedString("access_token");
    private static final SerializedString REFRESH_TOKEN = new SerializedString("refresh_token");
    private static final SerializedString TOKEN_TYPE = new SerializedString("token_type");
    private static final SerializedString EXPIRES_IN = new SerializedString("expires_in");
    private static final SerializedString SESSION_ID = new SerializedString("session_id");

    private final RegistrationService registration;
    private final LoginService logins;
    private final AccountService accounts;
    private final BearerAuthenticator bearer;
    private final long maxBodyBytes;

    public AuthRoutes(
            RegistrationService registration,
            LoginService logins,
            AccountService accounts,
            BearerAuthenticator bearer,
            long maxBodyBytes) {
        this.registration = registration;
        this.logins = logins;
        this.accounts = accounts;
        this.bearer = bearer;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/v1/auth/register", problems(this::register));
        routes.post("/api/v1/auth/login", problems(this::login));
        routes.post("/api/v1/auth/login/mfa", problems(this::loginMfa));
        routes.post("/api/v1/auth/reauthenticate", problems(this::reauthenticate));
        routes.post("/api/v1/auth/refresh", problems(this::refresh));
        routes.post("/api/v1/auth/logout", this::logout);
        routes.post("/api/v1/auth/logout-all", this::logoutAll);
    }

    /** JSON {@code {email, password, full_name?}} → 201 with the user; 400 invalid; 409 taken; 429 limited. */
    private void register(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Registration r = new Registration(
                Json.stringOrNull(body, "email"),
                Json.stringOrNull(body, "password"),
                Json.optionalString(body, "full_name"));
        RegistrationService.Registered done = registration.register(r, ClientInfo.of(req));
        Exchange.of(req).userId(done.user().id());
        done.rateLimitHeaders().forEach(res::header);
        Json.send(res, 201, UserJson.of(done.user()));
    }

    /** JSON {@code {email, password, device?: {name?, fingerprint?}}} → 200 tokens; 401; 403 suspended; 429. */
    private void login(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String email = Json.requiredString(body, "email");
        String password = Json.requiredString(body, "password");
        Optional<String> name = Optional.empty();
        Optional<String> fingerprint = Optional.empty();
        JsonNode device = body.get("device");
        if (device != null && !device.isNull()) {
            if (!device.isObject()) {
                throw Json.invalidField("device", "must be an object {name?, fingerprint?}");
            }
            name = Json.optionalString((ObjectNode) device, "name")
                    .map(String::strip)
                    .filter(s -> !s.isEmpty());
            fingerprint =
                    Json.optionalString((ObjectNode) device, "fingerprint").filter(s -> !s.isEmpty());
            if (name.isPresent()
                    && (name.get().length() > MAX_DEVICE_NAME
                            || name.get().codePoints().anyMatch(Character::isISOControl))) {
                throw Json.invalidField(
                        "device.name", "must be at most " + MAX_DEVICE_NAME + " characters without control characters");
            }
            if (fingerprint.isPresent() && fingerprint.get().length() > MAX_FINGERPRINT) {
                throw Json.invalidField("device.fingerprint", "must be at most " + MAX_FINGERPRINT + " characters");
            }
        }
        LoginService.Issued issued =
                logins.login(new LoginService.LoginRequest(email, password, ClientInfo.of(req), fingerprint, name));
        Exchange.of(req).userId(issued.session().userId());
        issued.rateLimitHeaders().forEach(res::header);
        Json.sendObject(res, 200, tokenBody(issued.tokens(), issued.expiresIn()));
    }

    /**
     * JSON {@code {mfa_challenge, code | recovery_code, trust_device?}} → 200 tokens (plus {@code trusted_until}
     * when the device was trusted); 401 wrong code (with {@code remaining_attempts}) or a challenge that is gone;
     * 429.
     */
    private void loginMfa(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String challenge = Json.requiredString(body, "mfa_challenge");
        Optional<String> code = Json.optionalString(body, "code");
        Optional<String> recovery = Json.optionalString(body, "recovery_code");
        if (code.isPresent() == recovery.isPresent()) {
            throw Json.invalidField("code", "send exactly one of code and recovery_code");
        }
        JsonNode trust = body.get("trust_device");
        if (trust != null && !trust.isNull() && !trust.isBoolean()) {
            throw Json.invalidField("trust_device", "must be true or false");
        }
        LoginService.Issued issued = logins.completeMfa(new LoginService.MfaRequest(
                challenge, code, recovery, trust != null && trust.asBoolean(false), ClientInfo.of(req)));
        Exchange.of(req).userId(issued.session().userId());
        issued.rateLimitHeaders().forEach(res::header);
        Json.Members answer = tokenBody(issued.tokens(), issued.expiresIn());
        if (issued.trustedUntil().isPresent()) {
            String until = issued.trustedUntil().get().toString();
            answer = answer.and(g -> g.writeStringField("trusted_until", until));
        }
        Json.sendObject(res, 200, answer);
    }

    /**
     * Bearer + JSON {@code {password, code?}} (the code when the user has a second factor) → 200 a new pair for
     * this session with a fresh {@code auth_time} (step-up, RFC 9470); the old pair's family is revoked. 401 wrong.
     */
    private void reauthenticate(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        LoginService.Issued issued = logins.reauthenticate(
                caller, ClientInfo.of(req), Json.requiredString(body, "password"), Json.optionalString(body, "code"));
        Json.sendObject(res, 200, tokenBody(issued.tokens(), issued.expiresIn()));
    }

    /** JSON {@code {refresh_token}} → 200 new pair; 401 not good or reused (family revoked); 403 suspended; 429. */
    private void refresh(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        LoginService.Issued issued = logins.refresh(Json.requiredString(body, "refresh_token"), ClientInfo.of(req));
        Exchange.of(req).userId(issued.session().userId());
        issued.rateLimitHeaders().forEach(res::header);
        Json.sendObject(res, 200, tokenBody(issued.tokens(), issued.expiresIn()));
    }

    /** Bearer → 204; the token, its refresh token and the session stop working at once. */
    private void logout(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        accounts.logout(caller, ClientInfo.of(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Bearer → 204; every session and token of the user stops working. */
    private void logoutAll(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        accounts.logoutAll(caller, ClientInfo.of(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The token response of login, refresh and the OAuth token endpoint (RFC 6749 §5.1 plus {@code session_id}). */
    static Json.Members tokenBody(TokenPair pair, long expiresIn) {
        return g -> {
            Json.writeString(g, ACCESS_TOKEN, pair.accessToken());
            Json.writeString(g, REFRESH_TOKEN, pair.refreshToken());
            Json.writeString(g, TOKEN_TYPE, "Bearer");
            g.writeFieldName(EXPIRES_IN);
            g.writeNumber(expiresIn);
            Json.writeString(g, SESSION_ID, pair.sessionId());
        };
    }

    /** Renders {@link AuthFailure}s as problems; everything else goes to the common error handling. */
    static Handler problems(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (AuthFailure e) {
                throw AuthAnswers.problem(e);
            }
        };
    }
}
