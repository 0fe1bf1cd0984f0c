package io.gatehouse.server.console;

import io.gatehouse.ratelimit.ActiveLockout;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lockouts in force, as the console shows them: the login guard's own list ({@link
 * LoginGuard#lockedNow(int)}, an index of current lockouts by expiry on Redis), so a permanent lockout
 * stays listed however old it is and a lifted or expired one drops out at once.
 */
final class LoginGuardView {
    /** More than a page can usefully show; the guard stops reading its index there. */
    static final int MAX = 1_000;

    private LoginGuardView() {}

    static List<Map<String, Object>> inForce(LoginGuard guard) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ActiveLockout l : guard.lockedNow(MAX)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dimension", l.dimension());
            m.put("account", l.account().orElse(""));
            m.put("ip", l.ip().orElse(""));
            m.put("permanent", l.permanent());
            m.put("retry_after_seconds", (l.retryAfter().toMillis() + 999) / 1000); // rounded up, as Retry-After
            out.add(m);
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
