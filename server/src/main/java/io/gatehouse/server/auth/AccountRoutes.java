package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.session.Device;
import io.gatehouse.session.Session;
import io.gatehouse.session.TrustedDevice;
import io.gatehouse.user.UserProfiles;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's own account, all behind Bearer authentication: {@code GET /api/v1/me}, the password,
 * sessions (current one marked) and devices (trust the current one, withdraw trust).
 */
public final class AccountRoutes implements RouteGroup {
    private final AccountService accounts;
    private final UserProfiles profiles;
    private final BearerAuthenticator bearer;
    private final StepUp stepUp;
    private final long maxBodyBytes;

    /** @param stepUp the recent-authentication check of the password change and of trusting a device */
    public AccountRoutes(
            AccountService accounts,
            UserProfiles profiles,
            BearerAuthenticator bearer,
            StepUp stepUp,
            long maxBodyBytes) {
        this.accounts = accounts;
        this.profiles = profiles;
        this.bearer = bearer;
        this.stepUp = stepUp;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/me", this::me);
        routes.post("/api/v1/me/password", this::password);
        routes.get("/api/v1/sessions", this::sessions);
        routes.delete("/api/v1/sessions/{id}", this::endSession);
        routes.get("/api/v1/devices", this::devices);
        routes.post("/api/v1/devices/current/trust", this::trustCurrent);
        routes.delete("/api/v1/devices/{id}/trust", this::untrust);
    }

    /** The caller's profile, from the users cache (loaded from the database on a miss). */
    private void me(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        var user = BearerAuthenticator.profileOf(caller, profiles);
        Json.send(res, 200, UserJson.of(user));
    }

    /** Recent authentication ({@link StepUp}) + JSON {@code {current_password, new_password}} → 200 with a new token pair for this session. */
    private void password(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String current = Json.requiredString(body, "current_password");
        String next = Json.requiredString(body, "new_password");
        AccountService.PasswordChanged changed = accounts.changePassword(caller, ClientInfo.of(req), current, next);
        Json.sendObject(
                res,
                200,
                AuthRoutes.tokenBody(changed.tokens(), changed.expiresIn()).and(g -> {
                    g.writeStringField(
                            "password_changed_at", changed.changedAt().toString());
                    g.writeNumberField("sessions_ended", changed.sessionsEnded());
                }));
    }

    private void sessions(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        List<Map<String, Object>> list =
                accounts.sessions(caller).stream().map(s -> session(s, caller)).toList();
        Json.send(res, 200, Map.of("sessions", list));
    }

    /** Ends one of the caller's sessions: 204, or 404 for an id that is not one of the caller's live sessions. */
    private void endSession(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        if (!accounts.endSession(
                caller, ClientInfo.of(req), req.path().pathParameters().get("id"))) {
            throw new ProblemException(Problem.of(404, "Not Found", "no such session"));
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void devices(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        String current = caller.session().deviceId().orElse(null);
        List<Map<String, Object>> list =
                accounts.devices(caller).stream().map(d -> device(d, current)).toList();
        Json.send(res, 200, Map.of("devices", list));
    }

    /** Recent authentication + trusts the device of this session: 200 {device_id, trusted_until}; 409 when the session has no device. */
    private void trustCurrent(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        stepUp.require(caller.token());
        TrustedDevice t = accounts.trustCurrentDevice(caller)
                .orElseThrow(() -> new ProblemException(Problem.typed(
                        "no-device",
                        409,
                        "Conflict",
                        "this session has no device: log in with a user agent or device fingerprint")));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_id", t.deviceId());
        m.put("trusted_at", t.trustedAt().toString());
        m.put("trusted_until", t.trustedUntil().toString());
        Json.send(res, 200, m);
    }

    private void untrust(ServerRequest req, ServerResponse res) {
        Caller caller = bearer.authenticate(req);
        if (!accounts.untrustDevice(caller, req.path().pathParameters().get("id"))) {
            throw new ProblemException(Problem.of(404, "Not Found", "no such trusted device"));
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private static Map<String, Object> session(Session s, Caller caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.handle()); // the handle: the public name the token's sid carries, never the secret id
        m.put("current", s.handle().equals(caller.sessionId()));
        m.put("created_at", s.createdAt().toString());
        m.put("last_seen_at", s.lastSeenAt().toString());
        m.put("expires_at", s.expiresAt().toString());
        m.put("ip", s.ip().orElse(null));
        m.put("user_agent", s.userAgent().orElse(null));
        m.put("device_id", s.deviceId().orElse(null));
        m.put("device_name", s.attributes().get("device_name"));
        return m;
    }

    private static Map<String, Object> device(Device d, String currentDevice) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_id", d.deviceId());
        m.put("current", d.deviceId().equals(currentDevice));
        m.put("user_agent", d.userAgent().orElse(null));
        m.put("first_seen_at", d.firstSeenAt().toString());
        m.put("last_seen_at", d.lastSeenAt().toString());
        m.put("trusted", d.trusted());
        m.put("trusted_until", d.trustedUntil().map(Object::toString).orElse(null));
        m.put("sessions", d.sessions().size());
        return m;
    }
}
