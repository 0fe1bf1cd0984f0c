package io.gatehouse;

import io.gatehouse.session.EndReason;
import io.gatehouse.session.SessionListener;
import io.gatehouse.token.TokenService;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Ends a session's tokens when the session ends: end, end-all, end-all-but-current and limit evictions
 * all revoke through the token service, so the local revocation check of every process rejects the
 * session's access and refresh tokens at once. {@link Gatehouse} registers it on the session store; a
 * session store built without it would end sessions whose tokens keep working.
 *
 * <p>The session revocation is kept for {@link TokenService#tokenLifetimeBound()}: no token issued for
 * the session can outlive that, so the entry can then expire with nothing left to reject.
 */
final class SessionTokenRevocation implements SessionListener {
    private final TokenService tokens;
    private final Clock clock;

    SessionTokenRevocation(TokenService tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void sessionsEnded(String userId, List<String> sessionIds, EndReason reason) {
        if (!sessionIds.isEmpty()) {
            tokens.revokeSessions(sessionIds, "session " + reason.name().toLowerCase(Locale.ROOT),
                    clock.instant().plus(tokens.tokenLifetimeBound()));
        }
    }
}
