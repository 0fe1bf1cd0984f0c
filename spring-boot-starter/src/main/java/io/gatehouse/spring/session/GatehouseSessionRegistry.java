package io.gatehouse.spring.session;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;

/**
 * The {@link SessionRegistry} Spring Security's concurrent-session control ({@code maximumSessions}) reads,
 * across instances. It is Spring Session's {@link SpringSessionBackedSessionRegistry} except for
 * {@link #getAllSessions}: Gatehouse lists a principal's sessions by handle (it never stores the secret ids),
 * and Spring Session's "expire now" would look the session up by that name with
 * {@code findById}, which takes ids only (a handle is not a credential). Here "expire now" ends the session
 * by its handle directly.
 */
public final class GatehouseSessionRegistry implements SessionRegistry {
    private final GatehouseSessionRepository repository;
    private final SpringSessionBackedSessionRegistry<GatehouseSession> delegate;

    public GatehouseSessionRegistry(GatehouseSessionRepository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.delegate = new SpringSessionBackedSessionRegistry<>(repository);
    }

    @Override
    public List<Object> getAllPrincipals() {
        return delegate.getAllPrincipals();
    }

    /** The principal's live sessions, each named by its handle; {@code expireNow()} ends it. */
    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        // The principal's name as Spring Session's registry computes it (AbstractAuthenticationToken#getName).
        String name = new TestingAuthenticationToken(principal, null).getName();
        List<SessionInformation> out = new ArrayList<>();
        repository
                .findByPrincipalName(name)
                .forEach((handle, session) ->
                        out.add(new ByHandle(principal, handle, Date.from(session.getLastAccessedTime()), repository)));
        return out;
    }

    @Override
    public SessionInformation getSessionInformation(String sessionId) {
        return delegate.getSessionInformation(sessionId);
    }

    @Override
    public void refreshLastRequest(String sessionId) {
        delegate.refreshLastRequest(sessionId);
    }

    @Override
    public void registerNewSession(String sessionId, Object principal) {
        delegate.registerNewSession(sessionId, principal);
    }

    @Override
    public void removeSessionInformation(String sessionId) {
        delegate.removeSessionInformation(sessionId);
    }

    /** A listed session; expiring it ends the Gatehouse session (its tokens too), as the repository does. */
    private static final class ByHandle extends SessionInformation {
        private static final long serialVersionUID = 1L;
        private final transient GatehouseSessionRepository repository;

        ByHandle(Object principal, String handle, Date lastRequest, GatehouseSessionRepository repository) {
            super(principal, handle, lastRequest);
            this.repository = repository;
        }

        @Override
        public void expireNow() {
            super.expireNow();
            repository.deleteById(getSessionId());
        }
    }
}
