package io.gatehouse.spring.session;

import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.session.SessionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.session.FindByIndexNameSessionRepository;

/**
 * Spring Session over Gatehouse sessions: {@code HttpSession} is a Gatehouse session (its per-user index,
 * limits, devices, tamper-evident compact entry), and {@link #findByPrincipalName} reads the user's index,
 * so Spring Security's concurrent-session control works across instances.
 *
 * <ul>
 *   <li>A session is stored at its first save. Before login its owner is an anonymous placeholder user
 *       ({@code ~anon~<random>}); once the security context names a principal, the save moves it to a new
 *       Gatehouse session of that user (new id, the old one ended), which is also the session-fixation
 *       protection.</li>
 *   <li>{@link #findById} is Gatehouse's touch: one read, a write at most once per touch interval.</li>
 *   <li>A save writes only the changed attributes, in one script; an unchanged session costs nothing.</li>
 *   <li>Spring Security's "expire this session" ({@code maximumSessions}) ends the Gatehouse session outright,
 *       revoking its tokens; its next request arrives without a session.</li>
 * </ul>
 */
public final class GatehouseSessionRepository implements FindByIndexNameSessionRepository<GatehouseSession> {
    /** The attribute Spring Security sets when the concurrent-session control expires a session. */
    static final String EXPIRED = "org.springframework.session.security.SpringSessionBackedSessionInformation.EXPIRED";

    private static final String ANONYMOUS = "~anon~";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionStore sessions;
    private final Clock clock;

    public GatehouseSessionRepository(SessionStore sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public GatehouseSession createSession() {
        var now = clock.instant();
        return new GatehouseSession(
                anonymousId(),
                ANONYMOUS + random(),
                false,
                now,
                now,
                sessions.settings().idleTimeout(),
                Map.of());
    }

    @Override
    public void save(GatehouseSession session) {
        if (Boolean.TRUE.equals(session.getAttribute(EXPIRED))) {
            deleteById(session.getId());
            return;
        }
        String owner = principalOf(session).orElse(session.owner());
        if (!session.persisted() || session.replaceRequested() || !owner.equals(session.owner())) {
            Map<String, String> stored = new LinkedHashMap<>();
            session.attributes().forEach((k, v) -> {
                if (!k.equals(PRINCIPAL_NAME_INDEX_NAME)) {
                    stored.put(AttributeCodec.storedName(k), AttributeCodec.encode(k, v, owner));
                }
            });
            CreatedSession created =
                    sessions.create(NewSession.forUser(owner).attributes(stored).build());
            if (session.persisted()) {
                end(session.getId());
            }
            session.saved(created.id(), owner);
            return;
        }
        if (session.dirty()) {
            Map<String, String> set = new LinkedHashMap<>();
            session.changedAttributes().forEach((k, v) -> {
                if (!k.equals(PRINCIPAL_NAME_INDEX_NAME)) {
                    set.put(AttributeCodec.storedName(k), AttributeCodec.encode(k, v, owner));
                }
            });
            Set<String> remove = new HashSet<>();
            session.removedAttributes().stream()
                    .filter(k -> !k.equals(PRINCIPAL_NAME_INDEX_NAME))
                    .forEach(k -> remove.add(AttributeCodec.storedName(k)));
            sessions.updateAttributes(session.getId(), set, remove);
            session.saved(session.getId(), owner);
        }
    }

    @Override
    public GatehouseSession findById(String id) {
        try {
            return sessions.touch(id).map(s -> toSpring(id, s)).orElse(null);
        } catch (SessionInputException e) {
            return null; // not an id Gatehouse could have issued (a forged or stale cookie)
        }
    }

    /**
     * Ends the session with this id, or with this handle: {@link #findByIndexNameAndIndexValue} names sessions
     * by handle, since Gatehouse never stores (so cannot list) the secret ids.
     */
    @Override
    public void deleteById(String id) {
        if (!id.startsWith(ANONYMOUS)) {
            end(id);
        }
    }

    /**
     * The principal's sessions, keyed by <em>handle</em> (each session's {@code getId()} is its handle too):
     * Gatehouse stores no secret session id, so none can be listed. {@link #deleteById} accepts the handles;
     * {@link #findById} does not (a handle is not a credential), which is why the
     * starter registers {@link GatehouseSessionRegistry} (it expires a listed session by handle) rather than
     * Spring Session's registry.
     */
    @Override
    public Map<String, GatehouseSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName)) {
            return Map.of();
        }
        Map<String, GatehouseSession> out = new LinkedHashMap<>();
        try {
            for (Session s : sessions.list(indexValue)) {
                out.put(s.handle(), toSpring(s.handle(), s));
            }
        } catch (SessionInputException e) {
            return Map.of(); // a name that cannot be a Gatehouse user id has no sessions
        }
        return out;
    }

    private void end(String idOrHandle) {
        try {
            sessions.end(idOrHandle);
        } catch (SessionInputException notAnId) {
            try {
                sessions.endByHandle(idOrHandle);
            } catch (SessionInputException e) {
                // neither a Gatehouse session id nor a handle: nothing stored under it
            }
        }
    }

    private GatehouseSession toSpring(String id, Session s) {
        Map<String, Object> attributes = AttributeCodec.decodeAll(s.attributes(), s.userId());
        if (!s.userId().startsWith(ANONYMOUS)) {
            attributes.put(PRINCIPAL_NAME_INDEX_NAME, s.userId());
        }
        return new GatehouseSession(
                id,
                s.userId(),
                true,
                s.createdAt(),
                s.lastSeenAt(),
                sessions.settings().idleTimeout(),
                attributes);
    }

    private static Optional<String> principalOf(GatehouseSession session) {
        Object explicit = session.getAttribute(PRINCIPAL_NAME_INDEX_NAME);
        if (explicit instanceof String name) {
            return Optional.of(name);
        }
        Object context = session.getAttribute(AttributeCodec.SECURITY_CONTEXT);
        return context == null ? Optional.empty() : AttributeCodec.principal(context);
    }

    /** A placeholder id for a session not stored yet; never a valid Gatehouse session id. */
    private static String anonymousId() {
        return ANONYMOUS + random();
    }

    private static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
