package io.gatehouse;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.session.EndReason;
import io.gatehouse.session.SessionListener;
import io.gatehouse.session.SessionSettings;
import io.gatehouse.token.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Ends a session's tokens when the session ends: end, end-all, end-all-but-current and limit evictions
 * all revoke through the token service, so the local revocation check of every process rejects the
 * session's access and refresh tokens at once. {@link Gatehouse} registers it on the session store; a
 * session store built without it would end sessions whose tokens keep working.
 *
 * <p>The session revocation is kept while a token of the session could still be accepted: the shorter of
 * {@link TokenService#tokenLifetimeBound()} and the session's absolute lifetime
 * ({@code gatehouse.sessions.absolute-timeout}) plus the access-token lifetime and the clock skew. Past the
 * session's absolute lifetime a refresh is refused anyway (its session no longer exists) and every access token
 * has expired, so keeping the entry for the 30 days of a refresh token would only grow every instance's
 * revocation state.
 */
final class SessionTokenRevocation implements SessionListener {
    private final TokenService tokens;
    private final Duration keepFor;
    private final Clock clock;

    private SessionTokenRevocation(TokenService tokens, Duration keepFor, Clock clock) {
        this.tokens = tokens;
        this.keepFor = keepFor;
        this.clock = clock;
    }

    static SessionTokenRevocation of(TokenService tokens, GatehouseConfig config, Clock clock) {
        // The lifetimes as the session store and the token service parsed them: no second reading of keys.
        Duration session = SessionSettings.from(config).absoluteLifetime().plus(tokens.accessTokenLifetimeBound());
        Duration bound = tokens.tokenLifetimeBound();
        return new SessionTokenRevocation(tokens, session.compareTo(bound) < 0 ? session : bound, clock);
    }

    /** How long each session revocation is kept. */
    Duration keepFor() {
        return keepFor;
    }

    @Override
    public void sessionsEnded(String userId, List<String> handles, EndReason reason) {
        // Tokens name their session by handle (sid), so the handles are what the revocation lists.
        if (!handles.isEmpty()) {
            tokens.revokeSessions(
                    handles,
                    "session " + reason.name().toLowerCase(Locale.ROOT),
                    clock.instant().plus(keepFor));
        }
    }
}
