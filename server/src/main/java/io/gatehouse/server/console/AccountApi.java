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
 * The JSON behind the account page ({@code /account/api/...}): sign-in, registration and sign-out, the
 * user's sessions (sign out one, all others, everywhere), devices (trust, untrust), recent security activity
 * with "this wasn't me", and the password. Every change is an {@link Accounts} action acting as the user.
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
            Accounts accounts,
            SessionStore sessions,
            SecurityEvents events,
            Clock clock,
            long maxBodyBytes) {
        this.gate = gate;
        this.views = views;
        this.logins = logins;
        this.registration = registration;
        this.accounts = accounts;
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE + "/signin", this::signIn);
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
    }

    /** {@code {email, password}} → the cookie; the same login as the API (limits, lockout, events). */
    private void signIn(ServerRequest req, ServerResponse res) {
        gate.sameOrigin(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String email = Json.requiredString(body, "email");
        String password = Json.requiredString(body, "password");
        ConsoleGate.Issued cookie = gate.issue();
        LoginService.Issued issued;
        try {
            issued = logins.login(
                    new LoginService.LoginRequest(
                            email, password, ClientInfo.of(req), Optional.empty(), Optional.empty()),
                    cookie.attributes());
        } catch (AuthFailure f) {
            throw AuthAnswers.problem(f);
        }
        // The token pair of this session is not handed out: the browser holds only the cookie.
        res.header(HeaderNames.SET_COOKIE, gate.setCookie(issued.sessionId().orElseThrow(), cookie.secret()));
        Json.send(res, 200, Map.of("signed_in", true));
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

    private void trust(ServerRequest req, ServerResponse res, boolean trust) {
        ConsoleUser u = gate.require(req, true);
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
        ConsoleUser u = gate.require(req, true);
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
        ConsoleUser u = gate.require(req, true);
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
}
