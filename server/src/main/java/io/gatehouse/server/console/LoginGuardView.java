package io.gatehouse.server.console;

import io.gatehouse.Gatehouse;
import io.gatehouse.error.InvalidInputException;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lockouts in force, as the console shows them. The login guard keeps counters per key and has no
 * list of its own, so the candidates are the accounts and addresses named by {@code lockout} events of the
 * last {@link #WINDOW}, each asked of the guard now: a lifted or expired lockout drops out, a permanent one
 * stays as long as its event is in the window.
 */
final class LoginGuardView {
    static final Duration WINDOW = Duration.ofDays(7);
    private static final int MAX_EVENTS = 5_000;

    private LoginGuardView() {}

    static List<Map<String, Object>> inForce(Gatehouse gh) {
        EventQuery q = EventQuery.builder()
                .types(EventType.LOCKOUT)
                .from(gh.clock().instant().minus(WINDOW))
                .limit(EventQuery.MAX_LIMIT)
                .build();
        Set<List<String>> seen = new LinkedHashSet<>();
        int read = 0;
        while (read < MAX_EVENTS) {
            var page = gh.events().query(q);
            for (SecurityEvent e : page.events()) {
                seen.add(List.of(e.details().getOrDefault("account", ""), e.ip().orElse("")));
            }
            read += page.events().size();
            if (page.nextCursor().isEmpty() || page.events().isEmpty()) {
                break;
            }
            q = AdminApi.following(q, page.nextCursor().get());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<String> key : seen) {
            LockoutStatus s;
            try {
                // A per-address lockout names no account: ask with one no one can type (not an email).
                s = gh.loginGuard().check(key.get(1), key.get(0).isEmpty() ? "-" : key.get(0));
            } catch (InvalidInputException | IllegalArgumentException e) {
                continue; // an event without a usable address or account: nothing the guard can say
            }
            if (s.locked()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("account", key.get(0));
                m.put("ip", key.get(1));
                m.put("permanent", s.permanent());
                m.put("retry_after_seconds", s.retryAfterSeconds());
                out.add(m);
            }
        }
        return out;
    }

    /** Whether {@code account} is locked for every address (account dimension), as the user page shows it. */
    static Map<String, Object> accountStatus(LoginGuard guard, String account) {
        // An address no client uses: only the account-wide lockout (and none per address) can answer.
        LockoutStatus s = guard.check("0.0.0.0", account);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account", account);
        m.put("locked", s.locked());
        m.put("permanent", s.permanent());
        m.put("retry_after_seconds", s.retryAfterSeconds());
        return m;
    }
}
