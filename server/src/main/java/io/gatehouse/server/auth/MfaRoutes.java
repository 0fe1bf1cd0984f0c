package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.user.UserProfiles;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The caller's second factor, behind Bearer authentication ({@code /api/v1/me/mfa}):
 * <ul>
 *   <li>{@code GET} the state (TOTP on or off, recovery codes left);</li>
 *   <li>{@code POST /totp} starts an enrolment: the secret, its {@code otpauth://} URI and a QR code (SVG);</li>
 *   <li>{@code POST /totp/confirm} with the first code turns it on and answers the recovery codes (once);</li>
 *   <li>{@code DELETE /totp} (recent authentication, and the password or a code) turns it off;</li>
 *   <li>{@code POST /recovery-codes} (recent authentication) replaces the recovery codes.</li>
 * </ul>
 * The work is {@link SecondFactorSettings}'s (shared with the web console's account page).
 */
public final class MfaRoutes implements RouteGroup {
    private final SecondFactorSettings settings;
    private final UserProfiles profiles;
    private final BearerAuthenticator bearer;
    private final StepUp stepUp;
    private final long maxBodyBytes;

    public MfaRoutes(
            SecondFactorSettings settings,
            UserProfiles profiles,
            BearerAuthenticator bearer,
            StepUp stepUp,
            long maxBodyBytes) {
        this.settings = settings;
        this.profiles = profiles;
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
        Json.send(res, 200, settings.state(caller.userId()));
    }

    /** → 200 {secret, otpauth_uri, qr_svg}; 409 already on; 503 when the server has no MFA key. */
    private void enrol(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        var user = BearerAuthenticator.profileOf(caller, profiles);
        Json.send(res, 200, settings.enrol(user));
    }

    /** JSON {@code {code}} → 200 {recovery_codes}; 400 wrong code; 409 nothing pending. */
    private void confirm(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Json.send(res, 200, settings.confirm(caller.userId(), caller.sessionId(), body));
    }

    /** Recent authentication + JSON {@code {password} | {code}} → 204; 400 wrong; 404 none to turn off. */
    private void disable(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        settings.disable(
                caller.userId(),
                caller.sessionId(),
                Json.optionalString(body, "password"),
                Json.optionalString(body, "code"));
        res.status(204).send();
    }

    /** Recent authentication → 200 {recovery_codes} (the old ones stop working); 409 no second factor. */
    private void regenerate(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        Json.send(res, 200, settings.regenerateRecoveryCodes(caller.userId()));
    }
}
