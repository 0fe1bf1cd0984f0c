package io.gatehouse.server.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.account.Accounts;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.server.auth.AuthAnswers;
import io.gatehouse.server.auth.AuthFailure;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.auth.SecondFactorSettings;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionStore;
import io.gatehouse.user.Registration;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON behind the account page ({@code /account/api/...}): sign-in (with the second factor when the user has
 * one), registration and sign-out, the user's sessions (sign out one, all others, everywhere), devices (trust,
 * untrust), recent security activity with "this wasn't me", the password, the second-factor settings, and
 * reauthentication. Every change is an {@link Accounts} action acting as the user (or the
 * {@link SecondFactorSettings} the API uses too). Changing the password, trusting a device, turning the second
 * factor off and new recovery codes need a recent authentication ({@link ConsoleGate#requireRecent}).
 */
final class AccountApi implements RouteGroup {
    static final String BASE = "/account/api";
    private static final int ACTIVITY = 50;
    private static final int FAILURES_SCANNED = 1000;
    private static final Duration FAILURES_WINDOW = Duration.ofDays(30);

    private final ConsoleGate gate;
    private final ConsoleViews views;
    private final LoginService logins;
    private final RegistrationService registration;
    private final SecondFactorSettings secondFactors;
    private final Accounts accounts;
    private final SessionStore sessions;
    private final SecurityEvents events;
    private final Clock clock;
    private final long maxBodyBytes;

    AccountApi(
            ConsoleGate gate,
            ConsoleViews views,
            LoginService logins,
            RegistrationService registration,
            SecondFactorSettings secondFactors,
            Accounts accounts,
            SessionStore sessions,
            SecurityEvents events,
            Clock clock,
            long maxBodyBytes) {
        this.gate = gate;
        this.views = views;
        this.logins = logins;
        this.registration = registration;
        this.secondFactors = secondFactors;
        this.accounts = accounts;
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE + "/signin", this::signIn);
        routes.post(BASE + "/signin/mfa", this::signInMfa);
        routes.post(BASE + "/reauthenticate", this::reauthenticate);
        routes.post(BASE + "/register", this::registerUser);
        routes.post(BASE + "/signout", this::signOut);
        routes.get(BASE + "/me", this::me);
        routes.get(BASE + "/sessions", this::sessions);
        routes.post(BASE + "/sessions/{ref}/end", this::endSession);
        routes.post(BASE + "/sessions/end-others", this::endOthers);
        routes.post(BASE + "/sessions/end-all", this::endAll);
        routes.get(BASE + "/devices", this::devices);
        routes.post(BASE + "/devices/{id}/trust", (req, res) -> trust(req, res, true));
        routes.post(BASE + "/devices/{id}/untrust", (req, res) -> trust(req, res, false));
        routes.get(BASE + "/activity", this::activity);
        routes.post(BASE + "/password", this::password);
        routes.post(BASE + "/not-me", this::notMe);
        routes.get(BASE + "/mfa", this::mfaState);
        routes.post(BASE + "/mfa/totp", this::mfaEnrol);
        routes.post(BASE + "/mfa/totp/confirm", this::mfaConfirm);
        routes.post(BASE + "/mfa/totp/disable", this::mfaDisable);
        routes.post(BASE + "/mfa/recovery-codes", this::mfaRecoveryCodes);
    }

    /**
     * {@code {email, password}} → the cookie; the same login as the API (limits, lockout, events). For a user with
     * a second factor (unless this browser is a device they trust) 401 {@code mfa-required} with the challenge:
     * the page asks for the code and sends it to {@code signin/mfa}.
     */
    private void signIn(ServerRequest req, ServerResponse res) {
        gate.sameOrigin(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String email = Json.requiredString(body, "email");
        String password = Json.requiredString(body, "password");
        Optional<String> known = gate.device(req);
        ConsoleGate.Device device =
                known.map(v -> new ConsoleGate.Device(v, null)).orElseGet(gate::newDevice);
        ConsoleGate.Issued cookie = gate.issue();
        LoginService.Issued issued;
        try {
            issued = logins.login(
                    new LoginService.LoginRequest(
                            email, password, ClientInfo.of(req), Optional.of(device.value()), Optional.empty()),
                    cookie.attributes());
        } catch (AuthFailure f) {
            ProblemException p = AuthAnswers.problem(f);
            if (known.isEmpty() && f.kind() == AuthFailure.Kind.MFA_REQUIRED) {
                // The second step trusts the device of this login: the browser must keep its cookie now.
                Map<String, String> headers = new LinkedHashMap<>(p.headers());
                headers.put(HeaderNames.SET_COOKIE.defaultCase(), device.setCookie());
                throw new ProblemException(p.problem(), headers);
            }
            throw p;
        }
        signedIn(res, issued, cookie);
        if (known.isEmpty()) {
            res.headers().add(HeaderNames.SET_COOKIE, device.setCookie());
        }
        send(res, issued);
    }

    /**
     * {@code {mfa_challenge, code | recovery_code, trust_device?}} → the cookie: the second step of the API's login
     * ({@code POST /api/v1/auth/login/mfa}: attempt count and lockout, a code once on every instance, a recovery code
     * once, {@code trust_device} trusting this browser for {@code gatehouse.sessions.trusted-device-ttl}).
     */
    private void signInMfa(ServerRequest req, ServerResponse res) {
        gate.sameOrigin(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Optional<String> code = Json.optionalString(body, "code");
        Optional<String> recovery = Json.optionalString(body, "recovery_code");
        if (code.isPresent() == recovery.isPresent()) {
            throw Json.invalidField("code", "send exactly one of code and recovery_code");
        }
        boolean trust = body.path("trust_device").asBoolean(false);
        ConsoleGate.Issued cookie = gate.issue();
        LoginService.Issued issued;
        try {
            issued = logins.completeMfa(
                    new LoginService.MfaRequest(
                            Json.requiredString(body, "mfa_challenge"), code, recovery, trust, ClientInfo.of(req)),
                    cookie.attributes());
        } catch (AuthFailure f) {
            throw AuthAnswers.problem(f);
        }
        signedIn(res, issued, cookie);
        send(res, issued);
    }

    /** The session cookie (first of the {@code Set-Cookie} headers). */
    private void signedIn(ServerResponse res, LoginService.Issued issued, ConsoleGate.Issued cookie) {
        // The token pair of this session is not handed out: the browser holds only the cookie.
        res.headers()
                .add(HeaderNames.SET_COOKIE, gate.setCookie(issued.sessionId().orElseThrow(), cookie.secret()));
    }

    private static void send(ServerResponse res, LoginService.Issued issued) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signed_in", true);
        issued.trustedUntil().ifPresent(t -> m.put("trusted_until", t.toString()));
        Json.send(res, 200, m);
    }

    /**
     * {@code {password, code?}} (the code when the user has a second factor) → 204: the checks of
     * {@code POST /api/v1/auth/reauthenticate} (a wrong one is a failed login; an unverified address is refused when
     * verification is required), then this console session counts as just authenticated.
     */
    private void reauthenticate(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        try {
            logins.confirmIdentity(
                    u.user(),
                    ClientInfo.of(req),
                    Json.requiredString(body, "password"),
                    Json.optionalString(body, "code").filter(c -> !c.isBlank()));
        } catch (AuthFailure f) {
            throw AuthAnswers.problem(f);
        }
        sessions.updateAttributes(
                u.sessionId(),
                Map.of(ConsoleGate.AUTH_TIME, Long.toString(clock.instant().getEpochSecond())),
                java.util.Set.of());
        res.status(204).send();
    }

    /** {@code {email, password, full_name?}} → 201; the page signs in next. */
    private void registerUser(ServerRequest req, ServerResponse res) {
        gate.sameOrigin(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Registration r = new Registration(
                Json.requiredString(body, "email"),
                Json.requiredString(body, "password"),
                Json.optionalString(body, "full_name").map(String::strip).filter(s -> !s.isEmpty()));
        try {
            registration.register(r, ClientInfo.of(req));
        } catch (AuthFailure f) {
            throw AuthAnswers.problem(f);
        }
        Json.send(res, 201, Map.of("registered", true));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        accounts.logout(u.id(), u.session().handle(), u.self(ClientInfo.of(req)));
        res.header(HeaderNames.SET_COOKIE, gate.clearCookie());
        res.status(204).send();
    }

    private void me(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, false);
        Map<String, Object> m = new LinkedHashMap<>(ConsoleViews.user(u.user()));
        m.put("admin", u.isAdmin());
        m.put("csrf", u.csrf());
        Json.send(res, 200, m);
    }

    private void sessions(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, false);
        List<Map<String, Object>> list = sessions.list(u.id()).stream()
                .map(s -> views.session(s, u.session().handle()))
                .toList();
        Json.send(res, 200, Map.of("sessions", list));
    }

    private void endSession(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        String ref = req.path().pathParameters().get("ref");
        Session s = sessions.list(u.id()).stream()
                .filter(x -> x.handle().equals(ref))
                .findFirst()
                .orElseThrow(
                        () -> new ProblemException(Problem.typed("not-found", 404, "Not Found", "no such session")));
        accounts.endSession(u.id(), s.handle(), u.self(ClientInfo.of(req)));
        if (s.handle().equals(u.session().handle())) {
            res.header(HeaderNames.SET_COOKIE, gate.clearCookie());
        }
        res.status(204).send();
    }

    private void endOthers(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        int ended = accounts.endSessions(u.id(), Optional.of(u.session().handle()), u.self(ClientInfo.of(req)))
                .size();
        Json.send(res, 200, Map.of("sessions_ended", ended));
    }

    /** Everywhere: every session (this one too) and every token of the user (not-before). */
    private void endAll(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        int ended = accounts.revokeUser(u.id(), "sign out everywhere (console)", u.self(ClientInfo.of(req)))
                .sessionsEnded();
        res.header(HeaderNames.SET_COOKIE, gate.clearCookie());
        Json.send(res, 200, Map.of("sessions_ended", ended));
    }

    private void devices(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, false);
        String current = u.session().deviceId().orElse(null);
        Json.send(
                res,
                200,
                Map.of(
                        "devices",
                        sessions.devices(u.id()).stream()
                                .map(d -> views.device(d, current))
                                .toList()));
    }

    /** Trusting needs a recent authentication; withdrawing trust does not. */
    private void trust(ServerRequest req, ServerResponse res, boolean trust) {
        ConsoleUser u = trust ? gate.requireRecent(req) : gate.require(req, true);
        String id = req.path().pathParameters().get("id");
        if (sessions.devices(u.id()).stream().noneMatch(d -> d.deviceId().equals(id))) {
            throw new ProblemException(Problem.typed("not-found", 404, "Not Found", "no such device"));
        }
        if (trust) {
            accounts.trustDevice(u.id(), id, u.self(ClientInfo.of(req)));
        } else {
            accounts.untrustDevice(u.id(), id, u.self(ClientInfo.of(req)));
        }
        res.status(204).send();
    }

    /**
     * The user's last events, and the failed sign-ins and lockouts of their account name: those are recorded
     * without a user (the name typed may belong to nobody), so they are found among the most recent
     * {@value #FAILURES_SCANNED} failures and lockouts of the last {@link #FAILURES_WINDOW}.
     */
    private void activity(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, false);
        List<SecurityEvent> mine = new ArrayList<>(
                events.query(EventQuery.lastOf(u.id(), ACTIVITY)).events());
        String account = LoginService.accountSubject(u.user().email());
        EventQuery failures = EventQuery.builder()
                .types(EventType.LOGIN_FAILURE, EventType.LOCKOUT)
                .from(clock.instant().minus(FAILURES_WINDOW))
                .limit(FAILURES_SCANNED)
                .build();
        events.query(failures).events().stream()
                .filter(e -> account.equals(e.details().get("account")))
                .forEach(mine::add);
        mine.sort(Comparator.comparing(SecurityEvent::time)
                .thenComparing(SecurityEvent::id)
                .reversed());
        Json.send(
                res,
                200,
                Map.of("events", mine.stream().limit(ACTIVITY).map(views::event).toList()));
    }

    /** {@code {current_password, new_password}}: other sessions end; this one stays signed in. */
    private void password(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.requireRecent(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Accounts.PasswordChanged c = accounts.changePassword(
                u.id(),
                u.session().handle(),
                Json.requiredString(body, "current_password"),
                Json.requiredString(body, "new_password"),
                u.self(ClientInfo.of(req)));
        Json.send(res, 200, Map.of("sessions_ended", c.sessionsEnded()));
    }

    /**
     * "This wasn't me": a new password (the old one is known to someone else), then every session ended and
     * every token revoked, this browser's too: the user signs in again with the new password.
     */
    private void notMe(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.requireRecent(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        ClientInfo client = ClientInfo.of(req);
        accounts.changePassword(
                u.id(),
                u.session().handle(),
                Json.requiredString(body, "current_password"),
                Json.requiredString(body, "new_password"),
                u.self(client));
        int ended = accounts.revokeUser(u.id(), "reported: this wasn't me", u.self(client))
                .sessionsEnded();
        res.header(HeaderNames.SET_COOKIE, gate.clearCookie());
        Json.send(res, 200, Map.of("sessions_ended", ended));
    }

    // ---- the second factor (the API's /api/v1/me/mfa, for the cookie) ----

    private void mfaState(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, false);
        Json.send(res, 200, secondFactors.state(u.id()));
    }

    /** → {secret, otpauth_uri, qr_svg}: shown to the user, who confirms with a first code. */
    private void mfaEnrol(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        Json.send(res, 200, secondFactors.enrol(u.user()));
    }

    /** {@code {code}} → {recovery_codes}, shown once. */
    private void mfaConfirm(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.require(req, true);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Json.send(res, 200, secondFactors.confirm(u.id(), u.session().handle(), body));
    }

    /** Recent authentication + {@code {password} | {code}} → 204. */
    private void mfaDisable(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.requireRecent(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        secondFactors.disable(
                u.id(),
                u.session().handle(),
                Json.optionalString(body, "password").filter(p -> !p.isEmpty()),
                Json.optionalString(body, "code").filter(c -> !c.isBlank()));
        res.status(204).send();
    }

    /** Recent authentication → {recovery_codes}; the old ones stop working. */
    private void mfaRecoveryCodes(ServerRequest req, ServerResponse res) {
        ConsoleUser u = gate.requireRecent(req);
        Json.send(res, 200, secondFactors.regenerateRecoveryCodes(u.id()));
    }
}
