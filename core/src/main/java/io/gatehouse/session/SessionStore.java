package io.gatehouse.session;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sessions shared by every instance, on Redis or in memory.
 *
 * <pre>{@code
 * SessionStore sessions = SessionStore.builder()
 *         .config(config)                       // gatehouse.sessions.* keys
 *         .stores(stores)                       // Redis for Purpose.SESSIONS, else in memory
 *         .listener(revokeTokensOfEndedSessions) // a SessionListener
 *         .build();
 * CreatedSession c = sessions.create(NewSession.forUser("u42").ip(ip).userAgent(ua).build());
 * Optional<Session> current = sessions.touch(c.id());   // on each request, with the id from the cookie
 * sessions.endByHandle(c.handle());                     // the public name: tokens, events, listings, URLs
 * }</pre>
 *
 * <p>Errors: bad arguments fail with {@link SessionInputException} and change nothing; Redis trouble
 * surfaces as {@link io.gatehouse.store.StoreException} subclasses (nothing is served from a stale
 * copy: a session that cannot be checked is not valid).
 */
public interface SessionStore {

    /**
     * Creates a session, applying the per-user limit atomically. The result holds the secret session id
     * (for the client) and the session with its public handle; the id is not stored, so no later call
     * can return it again.
     */
    CreatedSession create(NewSession request);

    /** The session if it exists, is unaltered and has not expired; does not extend it. */
    Optional<Session> get(String sessionId);

    /**
     * Like {@link #get} and slides the idle timeout: last-seen is written only when the stored one is
     * at least the touch interval old, so a busy client costs one read per request and one write per
     * interval.
     */
    Optional<Session> touch(String sessionId);

    /**
     * {@link #get} by handle, for callers that already authenticated the request another way (a verified
     * token whose {@code sid} is the handle). A handle is not a credential: never resolve a client's
     * cookie or header with this.
     */
    Optional<Session> getByHandle(String handle);

    /** {@link #touch} by handle; the same caution as {@link #getByHandle}. */
    Optional<Session> touchByHandle(String handle);

    /** The handle of the session with this id (computed with the MAC key; nothing is read). */
    String handleOf(String sessionId);

    /**
     * Sets and removes attributes; empty if the session is gone.
     *
     * @throws SessionConflictException when other writers changed the session under every attempt (nothing changed)
     */
    Optional<Session> updateAttributes(String sessionId, Map<String, String> set, Set<String> remove);

    /** Ends one session, by its id (the holder's logout); whether it existed. */
    boolean end(String sessionId);

    /** Ends one session, by its handle (sign out a session from a listing); whether it existed. */
    boolean endByHandle(String handle);

    /** Ends every session of the user; the handles of the sessions ended. Trusted devices stay trusted. */
    List<String> endAll(String userId);

    /** Ends every session of the user except the one with {@code currentSessionId}; the handles ended. */
    List<String> endAllBut(String currentSessionId);

    /** Ends every session of the user except the one with handle {@code keepHandle}; the handles ended. */
    List<String> endAllButHandle(String keepHandle);

    /** The user's live sessions, most recently seen first. Costs O(that user's entries). */
    List<Session> list(String userId);

    /** The user's devices: live sessions grouped by device id, plus trusted devices without sessions. */
    List<Device> devices(String userId);

    /** The device id a fingerprint maps to (a keyed hash; the same on every instance sharing the device key). */
    String deviceId(String fingerprint);

    /** Marks a device trusted for the configured time ({@code gatehouse.sessions.trusted-device-ttl}). */
    TrustedDevice trustDevice(String userId, String deviceId);

    /** Marks a device trusted for {@code ttl}. */
    TrustedDevice trustDevice(String userId, String deviceId, Duration ttl);

    /** Withdraws trust; whether the device was trusted. */
    boolean untrustDevice(String userId, String deviceId);

    /** The user's trusted devices that have not expired. */
    List<TrustedDevice> trustedDevices(String userId);

    /** Whether the device with this fingerprint is trusted for the user now (a login may skip a second factor). */
    boolean isTrusted(String userId, String fingerprint);

    /** Starts a cleanup pass over every user, {@code batchSize} users per step (offline tooling only). */
    default SessionCleanup cleanup(int batchSize) {
        return cleanup(batchSize, false);
    }

    /**
     * Starts a cleanup pass; with {@code dryRun} it only counts the expired entries it would remove
     * (a CLI's {@code --dry-run}) and changes nothing.
     */
    SessionCleanup cleanup(int batchSize, boolean dryRun);

    /**
     * A cleanup pass that survives interruption: it stores its progress (scan position and totals) in the
     * store after every completed batch, and a later call, from this or another process, continues the
     * stored pass instead of starting a new one ({@code restart} discards it). The progress is removed when
     * the pass ends, and forgotten after 7 days. Offline tooling only, like {@link #cleanup(int, boolean)}.
     */
    SessionCleanup resumableCleanup(int batchSize, boolean restart);

    /** The settings in force. */
    SessionSettings settings();

    static Builder builder() {
        return new Builder();
    }

    /** Assembles a {@link SessionStore}. */
    final class Builder {
        // Resolved by build(): explicit settings win over those of stores(), whatever the call order.
        private GatehouseConfig config;
        private Stores stores;
        private Optional<RedisConnector> redis;
        private Clock clock = Clock.systemUTC();
        private final List<SessionListener> listeners = new ArrayList<>();

        private Builder() {}

        /** Where the {@code gatehouse.sessions.*} settings come from (defaults otherwise). */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Takes the configuration and the Redis deployment of {@link Purpose#SESSIONS} (in memory if none). */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** Serves sessions in memory (one process only). */
        public Builder inMemory() {
            this.redis = Optional.empty();
            return this;
        }

        /** The time source for creation, last-seen and expiry (tests inject a movable clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds a listener; listeners are called in the order added. */
        public Builder listener(SessionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the store. Fails with {@link io.gatehouse.config.ConfigException} on a bad setting, and
         * on Redis when {@code gatehouse.sessions.mac-key} or {@code device-key} is missing.
         */
        public SessionStore build() {
            GatehouseConfig config = this.config != null
                    ? this.config
                    : stores != null
                            ? stores.config()
                            : GatehouseConfig.builder().build();
            Optional<RedisConnector> redis = this.redis != null
                    ? this.redis
                    : stores != null ? StoresRedis.of(stores, Purpose.SESSIONS) : Optional.empty();
            SessionSettings settings = SessionSettings.from(config);
            SessionKeys keys = SessionKeys.from(config, redis.isPresent());
            SessionBackend backend = redis.<SessionBackend>map(r -> new RedisSessionBackend(r, settings.entryFormat()))
                    .orElseGet(() -> new InMemorySessionBackend(clock));
            return new DefaultSessionStore(settings, keys, backend, clock, listeners);
        }
    }
}
