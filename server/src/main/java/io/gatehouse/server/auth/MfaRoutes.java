package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.mfa.SecondFactors;
import io.gatehouse.mfa.TotpEnrolment;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.user.FieldError;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The caller's second factor, behind Bearer authentication ({@code /api/v1/me/mfa}):
 * <ul>
 *   <li>{@code GET} the state (TOTP on or off, recovery codes left);</li>
 *   <li>{@code POST /totp} starts an enrolment: the secret, its {@code otpauth://} URI and a QR code (SVG);</li>
 *   <li>{@code POST /totp/confirm} with the first code turns it on and answers the recovery codes (once);</li>
 *   <li>{@code DELETE /totp} (recent authentication, and the password or a code) turns it off;</li>
 *   <li>{@code POST /recovery-codes} (recent authentication) replaces the recovery codes.</li>
 * </ul>
 * Secrets and codes go to the caller only, never to a log line.
 */
public final class MfaRoutes implements RouteGroup {
    private final SecondFactors factors;
    private final UserService users;
    private final UserProfiles profiles;
    private final SecurityEvents events;
    private final BearerAuthenticator bearer;
    private final StepUp stepUp;
    private final long maxBodyBytes;

    public MfaRoutes(
            SecondFactors factors,
            UserService users,
            UserProfiles profiles,
            SecurityEvents events,
            BearerAuthenticator bearer,
            StepUp stepUp,
            long maxBodyBytes) {
        this.factors = factors;
        this.users = users;
        this.profiles = profiles;
        this.events = events;
        this.bearer = bearer;
        this.stepUp = stepUp;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/me/mfa", this::state);
        routes.post("/api/v1/me/mfa/totp", this::enrol);
        routes.post("/api/v1/me/mfa/totp/confirm", this::confirm);
        routes.delete("/api/v1/me/mfa/totp", this::disable);
        routes.post("/api/v1/me/mfa/recovery-codes", this::regenerate);
    }

    private void state(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        Map<String, Object> m = new LinkedHashMap<>();
        boolean on = factors.enabled(caller.userId());
        m.put("totp", on);
        m.put("recovery_codes_left", on ? factors.recoveryCodesLeft(caller.userId()) : 0);
        m.put("available", factors.available());
        Json.send(res, 200, m);
    }

    /** → 200 {secret, otpauth_uri, qr_svg}; 409 already on; 503 when the server has no MFA key. */
    private void enrol(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        String email = profiles.get(caller.userId())
                .orElseThrow(() -> BearerAuthenticator.invalidToken("the user of this access token no longer exists"))
                .email();
        TotpEnrolment e = factors.enrol(caller.userId(), email);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secret", e.secret());
        m.put("otpauth_uri", e.uri());
        m.put("qr_svg", QrCodes.svg(e.uri()));
        Json.send(res, 200, m);
    }

    /** JSON {@code {code}} → 200 {recovery_codes}; 400 wrong code; 409 nothing pending. */
    private void confirm(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        List<String> codes = factors.confirm(caller.userId(), Json.requiredString(body, "code"))
                .orElseThrow(() -> wrong("code", "the code is not correct: check the authenticator app's clock"));
        record(EventType.MFA_ENABLED, caller);
        Json.send(res, 200, Map.of("recovery_codes", codes));
    }

    /** Recent authentication + JSON {@code {password} | {code}} → 204; 400 wrong; 404 none to turn off. */
    private void disable(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Optional<String> password = Json.optionalString(body, "password");
        Optional<String> code = Json.optionalString(body, "code");
        if (password.isPresent() == code.isPresent()) {
            throw Json.invalidField("password", "send exactly one of password and code");
        }
        if (!factors.enabled(caller.userId())) {
            throw new io.gatehouse.server.http.ProblemException(
                    io.gatehouse.server.http.Problem.of(404, "Not Found", "no second factor is enabled"));
        }
        boolean right = password.isPresent()
                ? profiles.get(caller.userId())
                        .map(u -> users.authenticate(u.email(), password.get())
                                instanceof io.gatehouse.user.AuthenticationResult.Authenticated)
                        .orElse(false)
                : factors.verifyTotp(caller.userId(), code.get());
        if (!right) {
            throw password.isPresent()
                    ? wrong("password", "the password is not correct")
                    : wrong("code", "the code is not correct");
        }
        factors.disable(caller.userId());
        record(EventType.MFA_DISABLED, caller);
        res.status(204).send();
    }

    /** Recent authentication → 200 {recovery_codes} (the old ones stop working); 409 no second factor. */
    private void regenerate(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        Json.send(res, 200, Map.of("recovery_codes", factors.regenerateRecoveryCodes(caller.userId())));
    }

    private void record(EventType type, Caller caller) {
        events.record(SecurityEvent.builder(type).user(caller.userId()).session(caller.sessionId()));
    }

    private static InvalidUserInputException wrong(String field, String message) {
        return new InvalidUserInputException(List.of(new FieldError(field, message)));
    }
}
