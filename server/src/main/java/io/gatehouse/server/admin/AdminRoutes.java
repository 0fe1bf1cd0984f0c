package io.gatehouse.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.account.Accounts;
import io.gatehouse.error.InvalidInputException;
import io.gatehouse.event.EventCounts;
import io.gatehouse.event.EventPage;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.event.Severity;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.server.auth.AdminAccess;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionStore;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.RevocationHealth;
import io.gatehouse.token.RevocationStats;
import io.gatehouse.token.TokenService;
import io.gatehouse.user.UserService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API. Handlers only translate HTTP to calls on the core services (no logic of their own
 * beyond checking input) and record what an administrator did:
 *
 * <table>
 *   <caption>routes</caption>
 *   <tr><td>POST /api/v1/admin/users/{id}/revoke-tokens</td><td>every token issued so far stops working
 *       (not-before) and every session ends; {@code {"reason": "..."}} is required and kept</td></tr>
 *   <tr><td>GET /api/v1/admin/users/{id}/sessions</td><td>the user's live sessions</td></tr>
 *   <tr><td>DELETE /api/v1/admin/users/{id}/sessions</td><td>ends them all</td></tr>
 *   <tr><td>DELETE /api/v1/admin/users/{id}/sessions/{sid}</td><td>ends one (its tokens stop working)</td></tr>
 *   <tr><td>GET /api/v1/admin/revocations</td><td>revocation statistics and the revocation link's state</td></tr>
 *   <tr><td>GET /api/v1/admin/rate-limits</td><td>the configured policies</td></tr>
 *   <tr><td>GET /api/v1/admin/rate-limits/{policy}?subject=</td><td>status without consuming</td></tr>
 *   <tr><td>DELETE /api/v1/admin/rate-limits/{policy}?subject=</td><td>reset, on every instance</td></tr>
 *   <tr><td>POST /api/v1/admin/lockouts/unlock</td><td>{@code {"account": ...}} and/or {@code {"ip": ...}}</td></tr>
 *   <tr><td>GET /api/v1/admin/events</td><td>security events: user, type (repeatable), min_severity,
 *       from, to, limit, cursor</td></tr>
 *   <tr><td>GET /api/v1/admin/events/counts?from=&to=</td><td>counts per type and severity over UTC days</td></tr>
 * </table>
 */
public final class AdminRoutes implements RouteGroup {
    static final String BASE = "/api/v1/admin";

    private final Accounts accounts;
    private final UserService users;
    private final SessionStore sessions;
    private final TokenService tokens;
    private final RatePolicies policies;
    private final RateLimiter limiter;
    private final SecurityEvents events;
    private final Clock clock;
    private final AdminAccess access;
    private final long maxBodyBytes;

    /** Built from {@link io.gatehouse.Gatehouse}'s capabilities: only those the admin API reads or changes. */
    public AdminRoutes(
            Accounts accounts,
            UserService users,
            SessionStore sessions,
            TokenService tokens,
            RatePolicies policies,
            RateLimiter limiter,
            SecurityEvents events,
            Clock clock,
            AdminAccess access,
            long maxBodyBytes) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.users = Objects.requireNonNull(users, "users");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.access = Objects.requireNonNull(access, "access");
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE + "/users/{id}/revoke-tokens", this::revokeUser);
        routes.get(BASE + "/users/{id}/sessions", this::listSessions);
        routes.delete(BASE + "/users/{id}/sessions", this::endSessions);
        routes.delete(BASE + "/users/{id}/sessions/{sid}", this::endSession);
        routes.get(BASE + "/revocations", this::revocations);
        routes.get(BASE + "/rate-limits", this::policies);
        routes.get(BASE + "/rate-limits/{policy}", this::peek);
        routes.delete(BASE + "/rate-limits/{policy}", this::reset);
        routes.post(BASE + "/lockouts/unlock", this::unlock);
        routes.get(BASE + "/events", this::events);
        routes.get(BASE + "/events/counts", this::counts);
    }

    // ------------------------------------------------------------------ users: tokens and sessions

    private void revokeUser(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        String userId = existingUser(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String reason = Json.requiredString(body, "reason").strip();
        if (reason.isEmpty()
                || reason.length() > Revocation.MAX_REASON_LENGTH
                || reason.chars().anyMatch(c -> c < 0x20)) {
            throw Json.invalidField(
                    "reason", "must be 1 to " + Revocation.MAX_REASON_LENGTH + " characters on one line");
        }
        Accounts.Revoked revoked = accounts.revokeUser(userId, reason, admin.actor(ClientInfo.of(req)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", userId);
        out.put("reason", reason);
        out.put("not_before", revoked.notBefore().toString());
        out.put("sessions_ended", revoked.sessionsEnded());
        Json.send(res, 200, out);
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        String userId = existingUser(req);
        List<Map<String, Object>> list =
                sessions.list(userId).stream().map(AdminRoutes::session).toList();
        record(req, admin, "list_user_sessions", userId, null, Map.of());
        Json.send(res, 200, Map.of("user_id", userId, "sessions", list));
    }

    private void endSessions(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        String userId = existingUser(req);
        List<String> ended = accounts.endSessions(userId, Optional.empty(), admin.actor(ClientInfo.of(req)));
        Json.send(res, 200, Map.of("user_id", userId, "sessions_ended", ended.size()));
    }

    private void endSession(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        String userId = existingUser(req);
        String sid = req.path().pathParameters().get("sid");
        // Only a session of this user: a session id of someone else is "not found" here, as it would be
        // if it did not exist (no probing of other users' sessions through a mistyped path).
        if (!accounts.endSession(userId, sid, admin.actor(ClientInfo.of(req)))) {
            throw new ProblemException(
                    Problem.typed("not-found", 404, "Not Found", "this user has no such live session"));
        }
        res.status(204).send();
    }

    private String existingUser(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (users.find(id).isEmpty()) {
            throw new ProblemException(Problem.typed("not-found", 404, "Not Found", "no such user"));
        }
        return id;
    }

    private static Map<String, Object> session(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.handle()); // the session's handle, never its secret id
        m.put("created_at", s.createdAt().toString());
        m.put("last_seen_at", s.lastSeenAt().toString());
        m.put("expires_at", s.expiresAt().toString());
        m.put("absolute_expires_at", s.absoluteExpiresAt().toString());
        m.put("ip", s.ip().orElse(null));
        m.put("user_agent", s.userAgent().orElse(null));
        m.put("device_id", s.deviceId().orElse(null));
        return m;
    }

    // ------------------------------------------------------------------ revocations

    private void revocations(ServerRequest req, ServerResponse res) {
        access.require(req);
        Json.send(res, 200, revocationsBody(tokens));
    }

    /** Revocation statistics and the revocation link's state (the admin API and the admin console). */
    public static Map<String, Object> revocationsBody(io.gatehouse.token.TokenService tokens) {
        RevocationStats stats = tokens.revocationStats();
        RevocationHealth link = tokens.revocationHealth();
        Map<String, Object> counts = new LinkedHashMap<>();
        stats.counts().forEach((k, v) -> counts.put(k.name().toLowerCase(Locale.ROOT), v));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", stats.total());
        out.put("by_kind", counts);
        out.put("oldest", stats.oldest().map(AdminRoutes::revocation).orElse(null));
        out.put("newest", stats.newest().map(AdminRoutes::revocation).orElse(null));
        out.put("as_of", stats.asOf().toString());
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("status", link.status().label());
        l.put("age_ms", link.age().toMillis());
        l.put("budget_ms", link.budget().toMillis());
        l.put("policy", link.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        l.put("resyncs", link.resyncs());
        link.error().ifPresent(e -> l.put("error", e));
        out.put("link", l);
        return out;
    }

    private static Map<String, Object> revocation(Revocation r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
        // A user id is not secret to an admin; token, session and family ids are shown only by kind and time.
        if (r.kind() == io.gatehouse.token.RevocationKind.USER) {
            m.put("user_id", r.id());
        }
        m.put("at", r.at().toString());
        m.put("until", r.until().toString());
        m.put("reason", r.reason());
        return m;
    }

    // ------------------------------------------------------------------ rate limits and lockouts

    private void policies(ServerRequest req, ServerResponse res) {
        access.require(req);
        Json.send(res, 200, Map.of("policies", policiesBody(policies)));
    }

    /** The configured rate-limit policies (the admin API and the admin console). */
    public static List<Map<String, Object>> policiesBody(io.gatehouse.ratelimit.RatePolicies policies) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RatePolicy p : policies.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("limit", p.limit().toString());
            m.put("burst", p.limit().burst());
            m.put(
                    "on_store_down",
                    p.onStoreDown().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            list.add(m);
        }
        return list;
    }

    private void peek(ServerRequest req, ServerResponse res) {
        access.require(req);
        RatePolicy policy = policy(req);
        String subject = subject(req);
        Decision d = limiter.peek(policy, subject);
        Json.send(res, 200, peekBody(policy, subject, d));
    }

    /** A rate-limit status without consuming (the admin API and the admin console). */
    public static Map<String, Object> peekBody(RatePolicy policy, String subject, Decision d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", policy.name());
        out.put("subject", subject);
        out.put("allowed", d.allowed());
        out.put("limit", d.limit());
        out.put("remaining", d.remaining());
        out.put("retry_after_seconds", d.retryAfterSeconds());
        out.put("reset_after_seconds", d.resetAfterSeconds());
        out.put("source", d.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return out;
    }

    private void reset(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        RatePolicy policy = policy(req);
        String subject = subject(req);
        limiter.reset(policy, subject);
        record(req, admin, "reset_rate_limit", null, null, Map.of("policy", policy.name(), "subject", subject));
        res.status(204).send();
    }

    private RatePolicy policy(ServerRequest req) {
        String name = req.path().pathParameters().get("policy");
        try {
            return policies.policy(name);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(
                    Problem.typed("not-found", 404, "Not Found", "no rate-limit policy with this name"));
        }
    }

    /** The {@code subject} query parameter (1 to 512 characters), else 400. */
    public static String subject(ServerRequest req) {
        String subject = req.query().first("subject").asOptional().orElse("").strip();
        if (subject.isEmpty() || subject.length() > 512) {
            throw Json.invalidField("subject", "the query parameter subject (1 to 512 characters) is required");
        }
        return subject;
    }

    private void unlock(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Optional<String> account =
                Json.optionalString(body, "account").map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> ip = Json.optionalString(body, "ip").map(String::strip).filter(s -> !s.isEmpty());
        if (account.isEmpty() && ip.isEmpty()) {
            throw Json.invalidField("account", "give an account, an ip, or both");
        }
        accounts.unlock(account, ip, admin.actor(ClientInfo.of(req)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", account.orElse(null));
        out.put("ip", ip.orElse(null));
        out.put("unlocked", true);
        Json.send(res, 200, out);
    }

    // ------------------------------------------------------------------ security events

    private void events(ServerRequest req, ServerResponse res) {
        AdminAccess.Admin admin = access.require(req);
        EventQuery query = eventQuery(req);
        Optional<String> user = query.user();
        EventPage page;
        try {
            page = events.query(query);
        } catch (InvalidInputException e) {
            throw Json.invalidField("cursor", "is not a cursor this API returned");
        }
        record(req, admin, "query_events", user.orElse(null), null, Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page.events().stream().map(AdminRoutes::event).toList());
        out.put("next_cursor", page.nextCursor().orElse(null));
        Json.send(res, 200, out);
    }

    /**
     * The event query of {@code req}'s parameters: user, type (repeatable), min_severity, from, to, limit,
     * cursor (the admin API and the admin console's explorer).
     *
     * @throws ProblemException 400 naming the parameter at fault
     */
    public static EventQuery eventQuery(ServerRequest req) {
        EventQuery.Builder q = EventQuery.builder();
        req.query().first("user").asOptional().ifPresent(u -> q.user(u));
        for (String t : req.query().all("type", List::of)) {
            try {
                q.types(EventType.of(t));
            } catch (InvalidInputException e) {
                throw Json.invalidField("type", "unknown event type '" + clip(t) + "'");
            }
        }
        req.query().first("min_severity").asOptional().ifPresent(s -> {
            try {
                q.minSeverity(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw Json.invalidField("min_severity", "must be info, warning or critical");
            }
        });
        req.query().first("from").asOptional().ifPresent(f -> q.from(instant("from", f)));
        req.query().first("to").asOptional().ifPresent(t -> q.to(instant("to", t)));
        req.query().first("limit").asOptional().ifPresent(l -> {
            int n;
            try {
                n = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw Json.invalidField("limit", "must be a whole number from 1 to " + EventQuery.MAX_LIMIT);
            }
            if (n < 1 || n > EventQuery.MAX_LIMIT) {
                throw Json.invalidField("limit", "must be a whole number from 1 to " + EventQuery.MAX_LIMIT);
            }
            q.limit(n);
        });
        req.query().first("cursor").asOptional().ifPresent(q::cursor);
        try {
            return q.build();
        } catch (InvalidInputException e) {
            throw Json.invalidField("from", "must be before to");
        }
    }

    private void counts(ServerRequest req, ServerResponse res) {
        access.require(req);
        LocalDate today = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        LocalDate from =
                req.query().first("from").asOptional().map(f -> date("from", f)).orElse(today.minusDays(6));
        LocalDate to =
                req.query().first("to").asOptional().map(t -> date("to", t)).orElse(today);
        if (from.isAfter(to) || from.plusDays(366).isBefore(to)) {
            throw Json.invalidField("from", "from must not be after to, and the range at most 366 days");
        }
        EventCounts c = events.counts(from, to);
        Map<String, Object> byType = new LinkedHashMap<>();
        c.byType().forEach((t, n) -> byType.put(t.code(), n));
        Map<String, Object> bySeverity = new LinkedHashMap<>();
        c.bySeverity().forEach((s, n) -> bySeverity.put(s.name().toLowerCase(Locale.ROOT), n));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("by_type", byType);
        out.put("by_severity", bySeverity);
        Json.send(res, 200, out);
    }

    public static Map<String, Object> event(SecurityEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", e.time().toString());
        m.put("type", e.type().code());
        m.put("severity", e.severity().name().toLowerCase(Locale.ROOT));
        m.put("user", e.user().orElse(null));
        m.put("session", e.session().orElse(null));
        m.put("ip", e.ip().orElse(null));
        m.put("user_agent", e.userAgent().orElse(null));
        m.put("reason", e.reason().orElse(null));
        m.put("details", e.details());
        return m;
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Json.invalidField(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw Json.invalidField(field, "must be a date such as 2026-01-31");
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ------------------------------------------------------------------ audit

    /** Records what an administrator did; never blocks (the event log queues). */
    private void record(
            ServerRequest req,
            AdminAccess.Admin admin,
            String action,
            String user,
            String reason,
            Map<String, String> details) {
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.ADMIN_ACTION)
                .reason(reason != null ? reason : action)
                .detail("action", action)
                .detail("actor", admin.actor())
                .details(details);
        if (user != null) {
            e.user(user);
        }
        admin.user().ifPresent(c -> e.session(c.sessionId()));
        e.ip(ClientInfo.of(req).ip());
        req.headers().first(io.helidon.http.HeaderNames.USER_AGENT).ifPresent(e::userAgent);
        events.record(e);
    }
}
