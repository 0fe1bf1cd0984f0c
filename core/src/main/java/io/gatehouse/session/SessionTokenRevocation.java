package io.gatehouse.session;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.token.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Ends a session's tokens when the session ends: register it with
 * {@link SessionStore.Builder#listener(SessionListener)} so that end, end-all, end-all-but-current and
 * limit evictions all revoke through the token service, and the local revocation check of every
 * process rejects the session's access and refresh tokens at once.
 *
 * <p>The session revocation is kept for the refresh-token lifetime ({@code gatehouse.tokens.refresh-ttl},
 * plus the access-token lifetime): no token issued for the session can outlive that, so the entry can
 * then expire with nothing left to reject.
 */
public final class SessionTokenRevocation implements SessionListener {
    private final TokenService tokens;
    private final Duration keepFor;
    private final Clock clock;

    public SessionTokenRevocation(TokenService tokens, Duration keepFor, Clock clock) {
        this.tokens = tokens;
        this.keepFor = keepFor;
        this.clock = clock;
    }

    /** Keeps each revocation for the token lifetimes configured in {@code config}. */
    public static SessionTokenRevocation of(TokenService tokens, GatehouseConfig config, Clock clock) {
        Duration keep = config.duration("gatehouse.tokens.refresh-ttl", Duration.ofDays(30))
                .plus(config.duration("gatehouse.tokens.access-ttl", Duration.ofMinutes(15)));
        return new SessionTokenRevocation(tokens, keep, clock);
    }

    @Override
    public void sessionsEnded(String userId, List<String> sessionIds, EndReason reason) {
        if (!sessionIds.isEmpty()) {
            tokens.revokeSessions(sessionIds, "session " + reason.name().toLowerCase(Locale.ROOT),
                    clock.instant().plus(keepFor));
        }
    }
}
