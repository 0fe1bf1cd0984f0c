package io.gatehouse.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.session.EndReason;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionListener;
import io.gatehouse.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers "is this session still alive?" for introspection and refresh without a round trip to the session
 * store when the answer is already known, exactly. The Bearer check still asks the store every time
 * ({@link #touchInStore}): while the store is unreachable a protected route answers 503 (docs/SERVER.md),
 * and that stays so; its answers feed this cache.
 *
 * <p>Why a remembered answer is exact: a session read at time {@code t} with idle deadline {@code E} and
 * absolute expiry {@code A} cannot end before {@code min(E, A)} (its {@link Session#expiresAt}) unless it is
 * <em>ended</em> (logout, end, end-all, eviction, reuse) — and every ending revokes the session's tokens
 * ({@code SessionTokenRevocation}): at once in the local revocation state of the instance that ended it, within
 * the revocation link's delay on the others. Every caller verifies the token (which checks that state) before
 * asking here, so an ended session's tokens never get this far. What the store read adds is only expiry, and
 * expiry is arithmetic on the remembered deadline. A touch on another instance only moves the deadline later,
 * so the remembered one stays a safe lower bound (after it the store is asked again).
 *
 * <p>{@link #touch} (refresh) must still slide the idle timeout: the store writes last-seen at most once per
 * {@code gatehouse.sessions.touch-interval}, and within the interval its touch is a read that writes nothing
 * and returns the stored session. This answers exactly those reads from memory (while {@code now - lastSeen}
 * is under the interval by the remembered last-seen, it is under it by the stored one, which can only be
 * later) and calls the store's touch once a write may be due.
 *
 * <p>Bounded ({@value #SIZE_KEY}, default {@value #DEFAULT_SIZE} sessions, least recently used evicted; {@code 0}
 * turns it off). A remembered session also leaves when it can no longer be alive: at its deadline (the cache
 * expires each entry then), and when it ends on this instance ({@link Memory} hears the session store's
 * endings), so ended sessions do not fill the bound. Neither removal is needed for exactness, only for
 * memory: a forgotten session is read from the store again. Time is the injected clock's whole seconds,
 * as the store counts them. Thread-safe.
 */
public final class SessionLiveness {
    /** Configuration key of the bound in sessions. */
    public static final String SIZE_KEY = "gatehouse.server.session-cache-size";

    static final long DEFAULT_SIZE = 50_000;

    private final SessionStore sessions;
    private final Clock clock;
    private final long touchIntervalSeconds;
    private final Cache<String, Session> known;

    /**
     * @param memory the remembered sessions, registered as a listener of {@code sessions} (it is told which
     *     sessions end)
     */
    public SessionLiveness(SessionStore sessions, Clock clock, Memory memory) {
        this.sessions = sessions;
        this.clock = clock;
        this.touchIntervalSeconds = sessions.settings().touchInterval().toSeconds();
        this.known = memory.known;
    }

    /**
     * The sessions a {@link SessionLiveness} remembers, bounded by {@value #SIZE_KEY}. Built before the
     * session store, which takes it as a {@link SessionListener}: a session ended here (logout, end, end-all,
     * eviction, reuse) is forgotten at once instead of waiting for eviction.
     */
    public static final class Memory implements SessionListener {
        private final Cache<String, Session> known;

        /**
         * @param maxSessions how many sessions are remembered at most (0: none, every question goes to the store)
         */
        public Memory(Clock clock, long maxSessions) {
            if (maxSessions < 0) {
                throw new IllegalArgumentException("maxSessions must be 0 or more");
            }
            this.known = maxSessions == 0
                    ? null
                    : Caffeine.newBuilder()
                            .maximumSize(maxSessions)
                            // The store's clock, so an entry leaves when the store would call it dead.
                            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                            .expireAfter(Expiry.writing((String handle, Session s) -> Duration.ofMillis(
                                    Math.max(0, s.expiresAt().getEpochSecond() * 1000 - clock.millis()))))
                            .build();
        }

        /** From {@value #SIZE_KEY}. */
        public static Memory fromConfig(GatehouseConfig config, Clock clock) {
            long size = config.number(SIZE_KEY, DEFAULT_SIZE);
            if (size < 0) {
                throw new ConfigException(
                        SIZE_KEY,
                        SIZE_KEY + " is the number of sessions whose liveness the server"
                                + " remembers between requests (introspection, Bearer checks); it must be 0 (off) or more, not "
                                + size + ". The default is " + DEFAULT_SIZE + ".");
            }
            return new Memory(clock, size);
        }

        @Override
        public void sessionsEnded(String userId, List<String> handles, EndReason reason) {
            if (known != null) {
                known.invalidateAll(handles);
            }
        }

        /** How many sessions are remembered now (tests; after pending removals are done). */
        long size() {
            if (known == null) {
                return 0;
            }
            known.cleanUp();
            return known.estimatedSize();
        }
    }

    /**
     * Whether the session with handle {@code handle} (a token's {@code sid}) exists, has not expired and belongs
     * to {@code userId}, without touching it (introspection). Only for the session of a token that passed
     * {@code TokenService.verify} (see above).
     *
     * @throws io.gatehouse.session.SessionInputException for a malformed handle
     */
    public boolean isAlive(String handle, String userId) {
        return aliveUntil(handle, userId) != 0;
    }

    /**
     * {@link #isAlive} with the answer's lifetime: the epoch second before which the session is alive at the
     * latest reading (its {@link Session#expiresAt}, a lower bound: only a touch moves it, and only later),
     * or 0 when it is not alive now. Before that second the session can only stop being alive by ending,
     * which revokes its tokens: a caller that verifies the token on every request may reuse the answer
     * until then.
     *
     * @throws io.gatehouse.session.SessionInputException for a malformed handle
     */
    public long aliveUntil(String handle, String userId) {
        long now = nowSeconds();
        Session s = remembered(handle, now);
        if (s == null) {
            s = remember(handle, sessions.getByHandle(handle));
        }
        return s != null && s.userId().equals(userId) && alive(s, now)
                ? s.expiresAt().getEpochSecond()
                : 0;
    }

    /**
     * {@link SessionStore#touch}, answered from memory while no last-seen write is due. Only for the session
     * of a token that passed {@code TokenService.verify} (see above).
     *
     * @throws io.gatehouse.session.SessionInputException for a malformed handle
     */
    public Optional<Session> touch(String handle) {
        long now = nowSeconds();
        Session s = remembered(handle, now);
        if (s != null && now - s.lastSeenAt().getEpochSecond() < touchIntervalSeconds) {
            return Optional.of(s);
        }
        return Optional.ofNullable(remember(handle, sessions.touchByHandle(handle)));
    }

    /**
     * {@link SessionStore#touch} itself, always (the Bearer check: a protected route answers 503 while the
     * session store is unreachable, rather than serve from memory); the answer is remembered for the others.
     */
    public Optional<Session> touchInStore(String handle) {
        return Optional.ofNullable(remember(handle, sessions.touchByHandle(handle)));
    }

    /**
     * {@link #touchInStore} for the holder of the secret session id (the console's cookie): the store is
     * asked by id, and the answer remembered under the session's handle.
     *
     * @throws io.gatehouse.session.SessionInputException for a malformed session id
     */
    public Optional<Session> touchInStoreById(String sessionId) {
        Optional<Session> read = sessions.touch(sessionId);
        read.ifPresent(s -> remember(s.handle(), read));
        return read;
    }

    /** The remembered session if it is still alive at {@code now}; a dead one is forgotten. */
    private Session remembered(String handle, long now) {
        if (known == null) {
            return null;
        }
        Session s = known.getIfPresent(handle);
        if (s != null && !alive(s, now)) {
            known.invalidate(handle);
            return null;
        }
        return s;
    }

    private Session remember(String handle, Optional<Session> read) {
        if (known != null) {
            if (read.isPresent()) {
                known.put(handle, read.get());
            } else {
                known.invalidate(handle);
            }
        }
        return read.orElse(null);
    }

    /** As the store decides: alive while {@code now} (whole seconds) is before the deadline. */
    private static boolean alive(Session s, long now) {
        return now < s.expiresAt().getEpochSecond();
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000);
    }
}
