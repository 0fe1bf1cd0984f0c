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
 * <p>The session revocation is kept while a token of the session could still be accepted: the shorter of the
 * session's absolute lifetime ({@code gatehouse.sessions.absolute-timeout}) and the refresh-token lifetime,
 * plus the access-token lifetime and the clock skew. Past the session's absolute lifetime a refresh is refused
 * anyway (its session no longer exists) and every access token has expired, so keeping the entry for the
 * 30 days of a refresh token would only grow every instance's revocation state.
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
        Duration refresh = config.duration("gatehouse.tokens.refresh-ttl", Duration.ofDays(30));
        Duration session = SessionSettings.from(config).absoluteLifetime();
        Duration keep = (session.compareTo(refresh) < 0 ? session : refresh)
                .plus(config.duration("gatehouse.tokens.access-ttl", Duration.ofMinutes(15)))
                .plus(config.duration("gatehouse.tokens.clock-skew", Duration.ofSeconds(30)));
        return new SessionTokenRevocation(tokens, keep, clock);
    }

    /** How long each session revocation is kept. */
    Duration keepFor() {
        return keepFor;
    }

    @Override
    public void sessionsEnded(String userId, List<String> sessionIds, EndReason reason) {
        if (!sessionIds.isEmpty()) {
            tokens.revokeSessions(sessionIds, "session " + reason.name().toLowerCase(Locale.ROOT),
                    clock.instant().plus(keepFor));
        }
    }
}
