package io.gatehouse.ratelimit;

import io.gatehouse.error.InvalidInputException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Two groups of counters, because they are tagged differently: the account group ({account} tag: the
 * per-account and per-IP+account counters, one script) and the IP group ({ip} tag: the per-IP counter).
 * A group whose dimensions are all off is not sent at all. While Redis is unavailable, a per-process
 * in-memory store counts instead (same rules), so a Redis outage neither locks everyone out nor opens
 * the door to unlimited guessing.
 */
final class CountingLoginGuard implements LoginGuard {
    private static final Logger log = LoggerFactory.getLogger(CountingLoginGuard.class);
    private static final String ACCOUNT_KIND = "lock";
    private static final String IP_KIND = "lockip";

    private final LockoutStore store;
    private final LockoutStore fallback;
    private final LockoutPolicy policy;
    private final RateLimitListener listener;
    private final int[] accountMax;
    private final int[] ipMax;

    CountingLoginGuard(Builder b) {
        this.policy = b.policy;
        this.listener = b.listener;
        this.store = b.redis == null
                ? new InMemoryLockoutStore(b.clock)
                : new RedisLockoutStore(b.redis, b.clock, b.timeSource);
        this.fallback = b.redis == null ? null : new InMemoryLockoutStore(b.clock);
        this.accountMax = new int[] {policy.accountMaxFailures(), policy.ipAccountMaxFailures()};
        this.ipMax = new int[] {policy.ipMaxFailures()};
    }

    @Override
    public LockoutStatus check(String ip, String account) {
        return run(ip, account, false);
    }

    @Override
    public LockoutStatus failure(String ip, String account) {
        return run(ip, account, true);
    }

    private LockoutStatus run(String ip, String account, boolean fail) {
        requireSafe("IP", ip);
        requireSafe("account", account);
        return withStore(st -> run(st, ip, account, fail));
    }

    /** Both groups are sent before either answer is awaited: one round trip. */
    private LockoutStatus run(LockoutStore st, String ip, String account, boolean fail) {
        boolean accountGroup = accountMax[0] > 0 || accountMax[1] > 0;
        boolean ipGroup = ipMax[0] > 0;
        CompletableFuture<LockoutStore.GroupState> a = accountGroup
                ? st.apply(fail, ACCOUNT_KIND, account, List.of("account", "ip:" + ip), accountMax, policy)
                : null;
        CompletableFuture<LockoutStore.GroupState> i =
                ipGroup ? st.apply(fail, IP_KIND, ip, List.of("ip"), ipMax, policy) : null;
        LockoutStatus status = LockoutStatus.OPEN;
        StoreException failed = null;
        LockoutStore.GroupState as = null;
        LockoutStore.GroupState is = null;
        try {
            as = a == null ? null : st.await(a);
        } catch (StoreException e) {
            failed = e;
        }
        try {
            is = i == null ? null : st.await(i);
        } catch (StoreException e) {
            failed = failed == null ? e : failed;
        }
        if (failed != null) {
            throw failed;
        }
        if (as != null) {
            status = status.and(as.status(0)).and(as.status(1));
            report(as, 0, "account", ip, account);
            report(as, 1, "ip-account", ip, account);
        }
        if (is != null) {
            status = status.and(is.status(0));
            report(is, 0, "ip", ip, account);
        }
        return status;
    }

    private void report(LockoutStore.GroupState s, int i, String dimension, String ip, String account) {
        if (s.newlyLocked()[i]) {
            try {
                listener.lockedOut(dimension, ip, account, s.status(i));
            } catch (RuntimeException e) {
                log.warn("lockout listener failed", e);
            }
        }
    }

    @Override
    public void success(String ip, String account) {
        requireSafe("IP", ip);
        requireSafe("account", account);
        withStore(st -> {
            st.clear(ACCOUNT_KIND, account, List.of("account", "ip:" + ip));
            if (policy.resetIpOnSuccess()) {
                st.clear(IP_KIND, ip, List.of("ip"));
            }
            return null;
        });
    }

    @Override
    public void unlockAccount(String account) {
        requireSafe("account", account);
        store.unlock(ACCOUNT_KIND, account);
        if (fallback != null) {
            fallback.unlock(ACCOUNT_KIND, account);
        }
    }

    @Override
    public void unlockIp(String ip) {
        requireSafe("IP", ip);
        store.unlock(IP_KIND, ip);
        if (fallback != null) {
            fallback.unlock(IP_KIND, ip);
        }
    }

    @Override
    public List<ActiveLockout> lockedNow(int max) {
        if (max < 1) {
            throw new io.gatehouse.error.InvalidInputException("max must be at least 1");
        }
        return store.locked(max);
    }

    /** The lockout a counter stands for, from its kind, tag and counter name (null for an unknown name). */
    static ActiveLockout describe(String kind, String tag, String counter, LockoutStatus status) {
        if (IP_KIND.equals(kind) && counter.equals("ip")) {
            return new ActiveLockout(
                    "ip",
                    java.util.Optional.empty(),
                    java.util.Optional.of(tag),
                    status.permanent(),
                    status.retryAfter());
        }
        if (ACCOUNT_KIND.equals(kind) && counter.equals("account")) {
            return new ActiveLockout(
                    "account",
                    java.util.Optional.of(tag),
                    java.util.Optional.empty(),
                    status.permanent(),
                    status.retryAfter());
        }
        if (ACCOUNT_KIND.equals(kind) && counter.startsWith("ip:")) {
            return new ActiveLockout(
                    "ip-account",
                    java.util.Optional.of(tag),
                    java.util.Optional.of(counter.substring(3)),
                    status.permanent(),
                    status.retryAfter());
        }
        return null;
    }

    private <T> T withStore(Function<LockoutStore, T> op) {
        try {
            return op.apply(store);
        } catch (StoreUnavailableException | StoreTimeoutException e) {
            if (fallback == null) {
                throw e;
            }
            return op.apply(fallback);
        }
    }

    private static void requireSafe(String what, String s) {
        if (s == null || s.isEmpty() || s.length() > 256) {
            throw new InvalidInputException("a login " + what + " must be 1 to 256 characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{'
                    || c == '}'
                    || c <= ' '
                    || c == 0x7f
                    || Character.isWhitespace(c)
                    || Character.isISOControl(c)) {
                throw new InvalidInputException(
                        "a login " + what + " may not contain braces, whitespace or control characters");
            }
        }
    }
}
