package io.gatehouse.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.Gatehouse;
import io.gatehouse.account.Accounts;
import io.gatehouse.error.InvalidInputException;
import io.gatehouse.event.EventCounts;
import io.gatehouse.event.EventPage;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.Severity;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.server.admin.AdminRoutes;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.health.HealthService;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.user.User;
import io.gatehouse.user.UserPage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The JSON behind the admin console ({@code /admin/api/...}), for signed-in users with the role
 * {@code admin} (403 for anyone else, on every route). User actions are {@link Accounts} actions with the
 * administrator as the actor (the same the admin API and the CLI call); the read-only views share the
 * admin API's renderings ({@link AdminRoutes}).
 */
final class AdminApi implements RouteGroup {
    static final String BASE = "/admin/api";
    /** Most events one export writes (a larger export is a job for the CLI or the archive). */
    static final int EXPORT_MAX = 10_000;
    /** Events read to draw the hourly chart (a sample of rate-limit refusals is all the log keeps anyway). */
    static final int CHART_MAX = 20_000;

    private final ConsoleGate gate;
    private final ConsoleViews views;
    private final Gatehouse gh;
    private final Accounts accounts;
    private final HealthService health;
    private final long maxBodyBytes;

    AdminApi(ConsoleGate gate, ConsoleViews views, Gatehouse gatehouse, HealthService health, long maxBodyBytes) {
        this.gate = gate;
        this.views = views;
        this.gh = gatehouse;
        this.accounts = gatehouse.accounts();
        this.health = health;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.get(BASE + "/users", this::users);
        routes.get(BASE + "/users/{id}", this::user);
        routes.post(
                BASE + "/users/{id}/suspend",
                (req, res) -> act(req, res, (u, a) -> accounts.suspend(u.id(), reason(req, a.body()), a.actor())));
        routes.post(
                BASE + "/users/{id}/reactivate",
                (req, res) -> act(req, res, (u, a) -> accounts.reactivate(u.id(), a.actor())));
        routes.post(
                BASE + "/users/{id}/roles",
                (req, res) -> act(req, res, (u, a) -> accounts.setRoles(u.id(), roles(a.body()), a.actor())));
        routes.post(
                BASE + "/users/{id}/end-sessions",
                (req, res) -> act(req, res, (u, a) -> accounts.endSessions(u.id(), Optional.empty(), a.actor())));
        routes.post(
                BASE + "/users/{id}/revoke-tokens",
                (req, res) -> act(req, res, (u, a) -> accounts.revokeUser(u.id(), reason(req, a.body()), a.actor())));
        routes.post(
                BASE + "/users/{id}/unlock",
                (req, res) -> act(
                        req,
                        res,
                        (u, a) -> accounts.unlock(
                                Optional.of(LoginService.accountSubject(u.email())), Optional.empty(), a.actor())));
        routes.get(BASE + "/lockouts", this::lockouts);
        routes.post(BASE + "/lockouts/unlock", this::unlock);
        routes.get(BASE + "/events", this::events);
        routes.get(BASE + "/events/export", this::export);
        routes.get(BASE + "/revocations", (req, res) -> {
            gate.requireAdmin(req, false);
            Json.send(res, 200, AdminRoutes.revocationsBody(gh.tokens()));
        });
        routes.get(BASE + "/rate-limits", (req, res) -> {
            gate.requireAdmin(req, false);
            Json.send(res, 200, Map.of("policies", AdminRoutes.policiesBody(gh.policies())));
        });
        routes.get(BASE + "/rate-limits/{policy}", this::peek);
        routes.post(BASE + "/rate-limits/{policy}/reset", this::reset);
        routes.get(BASE + "/health", (req, res) -> {
            gate.requireAdmin(req, false);
            Json.send(
                    res,
                    200,
                    Map.of(
                            "redis",
                            health.redis().body(),
                            "database",
                            health.database().body()));
        });
        routes.get(BASE + "/charts", this::charts);
    }

    // ------------------------------------------------------------------ users

    /** {@code ?q=} part of an email, full name or id (blank: everyone), {@code offset}, {@code limit} (default 20). */
    private void users(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        String q = req.query().first("q").asOptional().map(String::strip).orElse("");
        int offset = number(req, "offset", 0);
        int limit = number(req, "limit", 20);
        UserPage page = gh.users().search(q, offset, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", page.users().stream().map(ConsoleViews::user).toList());
        out.put("total", page.total());
        out.put("offset", page.offset());
        out.put("next_offset", page.hasMore() ? page.nextOffset() : null);
        Json.send(res, 200, out);
    }

    private static int number(ServerRequest req, String name, int otherwise) {
        String text = req.query().first(name).asOptional().orElse("");
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw Json.invalidField(name, "must be a whole number");
        }
    }

    private void user(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        User u = existing(req);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", ConsoleViews.user(u));
        out.put(
                "sessions",
                gh.sessions().list(u.id()).stream()
                        .map(s -> views.session(s, ""))
                        .toList());
        out.put(
                "devices",
                gh.sessions().devices(u.id()).stream()
                        .map(d -> views.device(d, ""))
                        .toList());
        out.put(
                "events",
                gh.events().query(EventQuery.lastOf(u.id(), 50)).events().stream()
                        .map(views::event)
                        .toList());
        out.put("lockout", LoginGuardView.accountStatus(gh.loginGuard(), LoginService.accountSubject(u.email())));
        Json.send(res, 200, out);
    }

    /** An admin action on an existing user; answers with the user as stored afterwards. */
    private void act(ServerRequest req, ServerResponse res, UserAction action) {
        ConsoleUser admin = gate.requireAdmin(req, true);
        User u = existing(req);
        ObjectNode body =
                req.content().hasEntity() ? Json.readObject(req, maxBodyBytes) : Json.MAPPER.createObjectNode();
        action.apply(u, new ActionContext(admin.admin(ClientInfo.of(req)), body));
        Json.send(
                res,
                200,
                Map.of("user", ConsoleViews.user(gh.users().find(u.id()).orElseThrow())));
    }

    @FunctionalInterface
    private interface UserAction {
        void apply(User user, ActionContext context);
    }

    private record ActionContext(io.gatehouse.account.Actor actor, ObjectNode body) {}

    private User existing(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return gh.users()
                .find(id)
                .orElseThrow(() -> new ProblemException(Problem.typed("not-found", 404, "Not Found", "no such user")));
    }

    private static String reason(ServerRequest req, ObjectNode body) {
        String reason = Json.optionalString(body, "reason").map(String::strip).orElse("");
        if (reason.isEmpty() || reason.length() > 200 || reason.chars().anyMatch(c -> c < 0x20)) {
            throw Json.invalidField("reason", "give a reason of 1 to 200 characters on one line");
        }
        return reason + " (console)";
    }

    private static Set<String> roles(ObjectNode body) {
        JsonNode roles = body.get("roles");
        if (roles == null || !roles.isArray()) {
            throw Json.invalidField("roles", "must be an array of role names");
        }
        Set<String> out = new LinkedHashSet<>();
        roles.forEach(r -> out.add(r.asText()));
        return out;
    }

    // ------------------------------------------------------------------ lockouts

    /**
     * The lockouts in force: every account and address a {@code lockout} event named over the longest
     * lockout window, each checked against the login guard now (so lifted and expired ones drop out).
     */
    private void lockouts(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        Json.send(res, 200, Map.of("lockouts", LoginGuardView.inForce(gh)));
    }

    private void unlock(ServerRequest req, ServerResponse res) {
        ConsoleUser admin = gate.requireAdmin(req, true);
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Optional<String> account =
                Json.optionalString(body, "account").map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> ip = Json.optionalString(body, "ip").map(String::strip).filter(s -> !s.isEmpty());
        if (account.isEmpty() && ip.isEmpty()) {
            throw Json.invalidField("account", "give an account, an ip, or both");
        }
        accounts.unlock(account, ip, admin.admin(ClientInfo.of(req)));
        Json.send(res, 200, Map.of("unlocked", true));
    }

    // ------------------------------------------------------------------ events

    private void events(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        EventPage page = page(AdminRoutes.eventQuery(req));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page.events().stream().map(views::event).toList());
        out.put("next_cursor", page.nextCursor().orElse(null));
        Json.send(res, 200, out);
    }

    /** {@code ?format=csv|jsonl} and the explorer's filters: every matching event up to {@value #EXPORT_MAX}. */
    private void export(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        String format = req.query().first("format").asOptional().orElse("jsonl");
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw Json.invalidField("format", "must be csv or jsonl");
        }
        EventQuery filters = AdminRoutes.eventQuery(req);
        EventQuery first = filters.cursor().isPresent() ? filters : following(filters, null);
        StringBuilder out = new StringBuilder();
        if (format.equals("csv")) {
            out.append("id,time,type,severity,user,ip,user_agent,reason,details\r\n");
        }
        forEachEvent(first, EXPORT_MAX, e -> out.append(format.equals("csv") ? EventCsv.row(e) : jsonLine(e)));
        res.header(HeaderNames.CONTENT_TYPE, format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"gatehouse-events." + format + "\"");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonLine(SecurityEvent e) {
        try {
            return Json.MAPPER.writeValueAsString(AdminRoutes.event(e)) + "\n";
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("an event map is always JSON", x);
        }
    }

    /** Calls {@code each} for the events of {@code query} and its following pages, at most {@code max}. */
    private void forEachEvent(EventQuery query, int max, Consumer<SecurityEvent> each) {
        int seen = 0;
        EventQuery q = query;
        while (true) {
            EventPage page = page(q);
            for (SecurityEvent e : page.events()) {
                if (seen++ >= max) {
                    return;
                }
                each.accept(e);
            }
            if (page.nextCursor().isEmpty() || page.events().isEmpty()) {
                return;
            }
            q = following(query, page.nextCursor().get());
        }
    }

    /** {@code query}'s filters from {@code cursor} on (from the start when null), a full page at a time. */
    static EventQuery following(EventQuery query, String cursor) {
        EventQuery.Builder b =
                EventQuery.builder().minSeverity(query.minSeverity()).limit(EventQuery.MAX_LIMIT);
        if (cursor != null) {
            b.cursor(cursor);
        }
        query.user().ifPresent(b::user);
        if (!query.types().isEmpty()) {
            b.types(query.types().toArray(EventType[]::new));
        }
        query.from().ifPresent(b::from);
        query.to().ifPresent(b::to);
        return b.build();
    }

    private EventPage page(EventQuery q) {
        try {
            return gh.events().query(q);
        } catch (InvalidInputException e) {
            throw Json.invalidField("cursor", "is not a cursor this API returned");
        }
    }

    // ------------------------------------------------------------------ rate limits

    private void peek(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        RatePolicy policy = policy(req);
        String subject = AdminRoutes.subject(req);
        Json.send(
                res, 200, AdminRoutes.peekBody(policy, subject, gh.rateLimiter().peek(policy, subject)));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        ConsoleUser admin = gate.requireAdmin(req, true);
        RatePolicy policy = policy(req);
        String subject = AdminRoutes.subject(req);
        gh.rateLimiter().reset(policy, subject);
        ClientInfo client = ClientInfo.of(req);
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.ADMIN_ACTION)
                .reason("reset_rate_limit")
                .detail("action", "reset_rate_limit")
                .detail("actor", "user:" + admin.id())
                .detail("policy", policy.name())
                .detail("subject", subject)
                .session(admin.session().handle())
                .ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        gh.events().record(e);
        res.status(204).send();
    }

    private RatePolicy policy(ServerRequest req) {
        try {
            return gh.policies().policy(req.path().pathParameters().get("policy"));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(
                    Problem.typed("not-found", 404, "Not Found", "no rate-limit policy with this name"));
        }
    }

    // ------------------------------------------------------------------ charts

    /**
     * The numbers behind the charts: logins, login failures and rate-limit refusals per hour over the last
     * 24 hours (refusals are recorded sampled, {@code gatehouse.events.rate-limit-sample}), and events per
     * severity per UTC day over the last 7 days.
     */
    private void charts(ServerRequest req, ServerResponse res) {
        gate.requireAdmin(req, false);
        Instant now = gh.clock().instant();
        Instant start = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        long[][] hourly = new long[24][3];
        EventQuery q = EventQuery.builder()
                .types(EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE, EventType.RATE_LIMIT_EXCEEDED)
                .from(start)
                .limit(EventQuery.MAX_LIMIT)
                .build();
        forEachEvent(q, CHART_MAX, e -> {
            int h = (int) Duration.between(start, e.time()).toHours();
            if (h >= 0 && h < 24) {
                hourly[h][
                        switch (e.type()) {
                            case LOGIN_SUCCESS -> 0;
                            case LOGIN_FAILURE -> 1;
                            default -> 2;
                        }]++;
            }
        });
        List<Map<String, Object>> hours = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hour", start.plus(Duration.ofHours(h)).toString());
            m.put("logins", hourly[h][0]);
            m.put("failures", hourly[h][1]);
            m.put("rate_limited", hourly[h][2]);
            hours.add(m);
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<Map<String, Object>> days = new ArrayList<>();
        for (LocalDate d = today.minusDays(6); !d.isAfter(today); d = d.plusDays(1)) {
            EventCounts c = gh.events().counts(d, d);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("day", d.toString());
            for (Severity s : Severity.values()) {
                m.put(s.name().toLowerCase(Locale.ROOT), c.bySeverity().getOrDefault(s, 0L));
            }
            days.add(m);
        }
        Json.send(res, 200, Map.of("hours", hours, "days", days));
    }
}
