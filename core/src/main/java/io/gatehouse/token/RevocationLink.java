package io.gatehouse.token;

import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.StoreDurabilityException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Keeps the local revocation state current: one daemon thread reads the log's feed from the last
 * applied position (XREAD BLOCK on its own connection), applies each entry, and records the instant
 * of every successful contact.
 *
 * After any failure, the first thing done on the way back is a gap check (were entries after our
 * position trimmed, or is the stream gone?); a gap means a full resync from the authoritative index.
 * So a disconnect of any length loses nothing: short ones resume from the position, long ones reload.
 *
 * Staleness: the state is as old as the last successful contact, measured on a monotonic ticker
 * (System.nanoTime), so a wall clock stepped by NTP neither fakes nor hides staleness. Within the budget a down link serves
 * the state as it is (health DEGRADED); past it the policy decides: fail-closed answers UNKNOWN for any
 * token not known to be revoked (health UNHEALTHY), fail-open answers from the stale state (DEGRADED).
 */
final class RevocationLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RevocationLink.class);
    private static final long MAX_BACKOFF_MS = 1000;

    private final RevocationLog revocationLog;
    private final LocalRevocationState state;
    private final Clock clock;
    private final LongSupplier ticker;
    private final long budgetNanos;
    private final StalePolicy policy;
    private final Duration block;
    private final TokenEventListener listener;
    private final boolean remote;
    private final AtomicLong resyncs = new AtomicLong();
    private final Thread thread;
    private volatile long lastContactNanos;
    private volatile long lastContactMs;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile String position = RevocationLog.START;
    private volatile String lastError;
    private volatile RevocationLog.Feed feed;
    private HealthStatus reported = HealthStatus.HEALTHY;

    /**
     * Loads the state (failing if the log cannot be read: an instance must not start on an unknown
     * revocation state) and starts the reader thread.
     *
     * @param remote whether other processes write to the log (Redis); in memory the state cannot be stale
     */
    RevocationLink(
            RevocationLog revocationLog,
            LocalRevocationState state,
            Clock clock,
            LongSupplier ticker,
            Duration budget,
            StalePolicy policy,
            Duration block,
            TokenEventListener listener,
            boolean remote) {
        this.revocationLog = revocationLog;
        this.state = state;
        this.clock = clock;
        this.ticker = ticker;
        this.budgetNanos = budget.toNanos();
        this.policy = policy;
        this.block = block;
        this.listener = listener;
        this.remote = remote;
        resync();
        // Opened here, not lazily in the thread: a service that started is linked, or did not start.
        this.feed = revocationLog.openFeed();
        this.thread = new Thread(this::run, "gatehouse-revocation-link");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The local status with the staleness policy applied. */
    RevocationStatus check(VerifiedToken t) {
        RevocationStatus s = state.check(
                t.tokenId(),
                t.sessionId(),
                t.familyId(),
                t.subject(),
                t.issuedAt().toEpochMilli());
        if (s == RevocationStatus.VALID
                && policy == StalePolicy.FAIL_CLOSED
                && remote
                && ticker.getAsLong() - lastContactNanos > budgetNanos) {
            return RevocationStatus.UNKNOWN;
        }
        return s;
    }

    /**
     * The status of a refresh family alone, with the staleness policy: what can be known of an opaque refresh
     * token before the store has named its session and user.
     */
    RevocationStatus checkFamily(String familyId) {
        if (state.find(RevocationKind.FAMILY, familyId).isPresent()) {
            return RevocationStatus.REVOKED_FAMILY;
        }
        if (policy == StalePolicy.FAIL_CLOSED && remote && ticker.getAsLong() - lastContactNanos > budgetNanos) {
            return RevocationStatus.UNKNOWN;
        }
        return RevocationStatus.VALID;
    }

    /**
     * The issue instant of a token for {@code subject} wanted at {@code now}: millisecond precision, and
     * strictly after the user's not-before as this process knows it, so a token issued right after
     * "revoke every token of the user" (logout everywhere, password change) is never caught by it.
     */
    Instant issueInstant(String subject, Instant now) {
        long ms = now.toEpochMilli();
        long notBefore = state.userNotBefore(subject);
        return Instant.ofEpochMilli(Math.max(ms, notBefore + 1));
    }

    /** Writes revocations through the log and applies them here at once. */
    void append(List<Revocation> entries) {
        try {
            revocationLog.append(entries, clock.millis());
        } catch (StoreDurabilityException | StoreFullException e) {
            // Not acknowledged (too few replicas confirmed it, or Redis is out of memory and refused it):
            // the caller hears so, and this instance refuses the revoked tokens anyway (fail closed here).
            entries.forEach(state::applyLocal);
            throw e;
        }
        entries.forEach(state::applyLocal);
    }

    RevocationHealth health() {
        long age = remote ? Math.max(0, ticker.getAsLong() - lastContactNanos) : 0;
        HealthStatus status;
        if (!remote || connected && age <= budgetNanos) {
            status = HealthStatus.HEALTHY;
        } else if (age <= budgetNanos || policy == StalePolicy.FAIL_OPEN) {
            status = HealthStatus.DEGRADED;
        } else {
            status = HealthStatus.UNHEALTHY;
        }
        return new RevocationHealth(
                status,
                lastContact(),
                Duration.ofNanos(age),
                Duration.ofNanos(budgetNanos),
                policy,
                position,
                resyncs.get(),
                connected ? Optional.empty() : Optional.ofNullable(lastError));
    }

    Instant lastContact() {
        return Instant.ofEpochMilli(remote ? lastContactMs : clock.millis());
    }

    private void run() {
        try {
            loop();
        } finally {
            RevocationLog.Feed f = feed;
            if (f != null) {
                f.close();
            }
        }
    }

    private void loop() {
        long backoff = 50;
        boolean checkGap = false;
        while (!closed) {
            try {
                if (feed == null) {
                    feed = revocationLog.openFeed();
                }
                if (checkGap) {
                    if (feed.hasGap(position)) {
                        log.info(
                                "Revocation stream lost entries after {} while this process was away: full resync",
                                position);
                        resync();
                    }
                    checkGap = false;
                }
                List<RevocationLog.Positioned> batch = feed.read(position, block);
                long now = clock.millis();
                for (RevocationLog.Positioned p : batch) {
                    // An expired entry (for example the late echo of one already swept) protects nothing.
                    if (p.revocation() != null && p.revocation().until().toEpochMilli() >= now) {
                        state.apply(p.revocation());
                    }
                    position = p.position();
                }
                contact();
                backoff = 50;
            } catch (StoreException | IllegalStateException e) {
                if (closed) {
                    break;
                }
                if (connected) {
                    log.warn(
                            "Revocation link down ({}); serving the local state for {}, then {}",
                            e.getMessage(),
                            Duration.ofNanos(budgetNanos),
                            policy);
                }
                connected = false;
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                checkGap = true;
                report();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                log.error("Revocation link failed unexpectedly; retrying", e);
                connected = false;
                lastError = e.toString();
                checkGap = true;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MS));
            }
        }
    }

    private void contact() {
        lastContactNanos = ticker.getAsLong();
        lastContactMs = clock.millis();
        if (!connected) {
            if (lastError != null) {
                log.info("Revocation link back; resumed from {}", position);
            }
            connected = true;
        }
        report();
    }

    /** Replaces the state with the authoritative one, then resumes the feed from the snapshot's position. */
    private void resync() {
        state.beginResync();
        RevocationLog.Snapshot snap;
        try {
            snap = revocationLog.snapshot(clock.millis());
        } catch (RuntimeException e) {
            state.abortResync();
            throw e;
        }
        state.finishResync(snap.entries());
        position = snap.position();
        resyncs.incrementAndGet();
        contact();
        log.debug("Revocation state loaded: {} entries up to {}", snap.entries().size(), position);
    }

    private void report() {
        RevocationHealth h = health();
        if (h.status() != reported) {
            reported = h.status();
            try {
                listener.revocationLinkChanged(h);
            } catch (RuntimeException e) {
                log.warn("Token event listener failed on revocationLinkChanged", e);
            }
        }
    }

    /**
     * Stops the reader without waiting out its blocking read: the feed is closed under it, which ends the read at
     * once (in Redis the dedicated connection is closed, and a call failed by our own close counts neither in the
     * connector's circuit breaker nor as a command failure), the thread sees the flag and returns. A reader that
     * still has not returned after the block time and some slack is left behind (it is a daemon).
     */
    @Override
    public void close() {
        closed = true;
        RevocationLog.Feed f = feed;
        if (f != null) {
            f.close();
        }
        try {
            thread.join(block.toMillis() + TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
