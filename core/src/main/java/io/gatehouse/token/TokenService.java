package io.gatehouse.token;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisConnector;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues, verifies, refreshes and revokes tokens.
 *
 * <p>Verification ({@link #verify}) checks the signature, the claims and the revocation state; the
 * revocation part is answered from this process's memory, kept current from Redis in the background.
 * Revocations ({@link #revokeToken}, {@link #revokeSession}, {@link #revokeUser}, ...) are written to
 * Redis in one script and applied locally at once; other processes apply them within milliseconds.
 *
 * <p>Thread-safe. Close it to stop the background revocation reader and key reloads.
 *
 * <pre>{@code
 * try (Stores stores = Stores.open(config);
 *      TokenService tokens = TokenService.builder().config(config).stores(stores).build()) {
 *     TokenPair pair = tokens.issue(TokenRequest.of("user-42", "sess-1").roles("admin"));
 *     VerifiedToken t = tokens.verify(pair.accessToken());     // TokenRejectedException if not good
 *     TokenPair next = tokens.refresh(pair.refreshToken());    // rotates; reuse revokes the family
 *     tokens.revokeSession("sess-1", "logout", Instant.now().plus(Duration.ofDays(30)));
 * }
 * }</pre>
 */
public interface TokenService extends AutoCloseable {

    /** Issues an access token and a refresh token that starts a new refresh family. */
    TokenPair issue(TokenRequest request);

    /**
     * Verifies an access token: signature, {@code typ}, algorithm, key, issuer, audience, lifetime (with
     * the configured clock skew) and revocation. Never reaches Redis.
     *
     * @throws TokenRejectedException with the reason, for any token that is not good
     */
    VerifiedToken verify(String accessToken);

    /**
     * Authenticates a refresh token without rotating it and without the revocation check ({@link #refresh}
     * does both): a JWT by its signature and claims; an opaque token by a read of its family (its hash
     * equal to the current or last retired one; one round trip on Redis). For revocation (RFC 7009).
     *
     * @throws TokenRejectedException with the reason ({@code refresh_unknown} for an opaque token no family holds)
     */
    VerifiedToken verifyRefresh(String refreshToken);

    /**
     * The refresh token if it is active now (RFC 7662 introspection): authentic, the <em>current</em> token of
     * a family that exists and is not marked reused (a retired token is not active, even inside the grace
     * window), and not revoked. One read of the family (a round trip on Redis), in both formats.
     */
    Optional<VerifiedToken> activeRefresh(String refreshToken);

    /**
     * Rotates a refresh token: returns a new access token and a new refresh token, retiring the one
     * presented. A retry with the same token inside the grace window (anchored at the first rotation)
     * returns the same new refresh token. A retired token presented after that is reuse: its family and
     * session are revoked, listeners hear {@link TokenEventListener#reuseDetected}, and this throws with
     * {@link RejectReason#REFRESH_REUSED}.
     *
     * @throws TokenRejectedException when the token is not good, revoked or reused
     * @throws io.gatehouse.store.StoreException when Redis cannot be reached (rotation needs it)
     */
    TokenPair refresh(String refreshToken);

    /**
     * {@link #refresh(String)} with a per-family limit and the claims of the new access token chosen by the
     * caller once the token is authenticated.
     *
     * @param limit counted inside the rotation for an authenticated token only
     * @param mint  given the claims the family was issued with (subject, session, roles, permissions), returns
     *              those of the new access token (the user's current roles, say); it may throw to refuse (the
     *              rotation has happened then: the successor is never handed out). Same subject and session.
     * @throws RefreshLimitedException when the family used up its limit (nothing changed)
     */
    TokenPair refresh(String refreshToken, RefreshLimit limit, java.util.function.UnaryOperator<TokenRequest> mint);

    /**
     * The revocation status of a verified token from the local state only (a few hash lookups).
     * {@link RevocationStatus#UNKNOWN} when the state is older than the staleness budget and the
     * policy is fail-closed.
     */
    RevocationStatus check(VerifiedToken token);

    /** Revokes one token by its {@code jti}; the entry lives until the token's own expiry. */
    void revokeToken(String jti, Instant expiresAt, String reason);

    /**
     * Revokes a presented token (RFC 7009 style): an access token by its {@code jti}, a refresh token
     * together with its whole family. Expired and foreign tokens are ignored.
     *
     * @return whether the token was one of ours and is now revoked
     */
    boolean revoke(String token, String reason);

    /** Revokes every token of a session, issued before or after now, until {@code until}. */
    void revokeSession(String sessionId, String reason, Instant until);

    /** {@link #revokeSession} for many sessions in one round trip. */
    void revokeSessions(Collection<String> sessionIds, String reason, Instant until);

    /** Revokes a refresh family (every refresh and access token issued in it). */
    void revokeFamily(String familyId, String reason);

    /**
     * Revokes every token of a user issued up to now, in O(1): a per-user "not before" instant compared
     * with the issue time ({@code iat_ms}, milliseconds). A token issued in the revocation's own
     * millisecond is revoked too, and this process issues later tokens of the user strictly after the
     * not-before, so a login right after the revocation gets tokens that work (no wait needed).
     */
    void revokeUser(String subject, String reason);

    /** Applies many revocations of any kinds in one round trip. */
    void revokeAll(List<Revocation> revocations);

    /** Counts by kind, oldest and newest entry, from the local mirror of the revocation state. */
    RevocationStats revocationStats();

    /** The state of the link that keeps the local revocation state current. */
    RevocationHealth revocationHealth();

    /**
     * The longest any token issued now can stay valid (refresh lifetime plus access lifetime): a
     * revocation of a session or family can expire after this, with nothing left to reject.
     */
    java.time.Duration tokenLifetimeBound();

    /** The longest an access token issued now is accepted: its lifetime plus the allowed clock skew. */
    java.time.Duration accessTokenLifetimeBound();

    /** The public keys as a JWKS document ({@code {"keys":[...]}}), each with {@code kid}, {@code alg}, {@code use}. */
    String jwks();

    /**
     * Makes a new signing key active. Old keys keep verifying until their last tokens expire. When
     * several instances rotate at once, one wins and all adopt its key.
     *
     * @return the {@code kid} of the key now active
     */
    String rotateKeys();

    /**
     * Retires a key that no longer signs before its tokens have expired on their own (a key suspected
     * compromised): it leaves the key store and the JWKS, this instance refuses tokens it signed at once,
     * and every other instance from its next key reload ({@code gatehouse.tokens.keys.reload-interval}).
     * Access tokens it signed (and refresh tokens, with {@code gatehouse.tokens.refresh.format=jwt}) are
     * then rejected as signed by an unknown key; opaque refresh tokens (the default) are signed by no key
     * and keep working, so clients refresh and get access tokens signed by the active key. Refused for the active key (rotate first), and, unless {@code force},
     * while tokens it signed may still be valid. Keys are removed on their own once that time has passed.
     */
    KeyRetirement retireKey(String kid, boolean force);

    /** The {@code kid} of the key that signs new tokens. */
    String activeKeyId();

    /** The issuer ({@code iss}) this service puts into and requires in tokens. */
    String issuer();

    @Override
    void close();

    /** A builder; {@link Builder#config} is required. */
    static Builder builder() {
        return new Builder();
    }

    /** Assembles a {@link TokenService}. */
    final class Builder {
        // Resolved by build(): explicit settings win over those of stores(), whatever the call order.
        GatehouseConfig config;
        RedisConnector redis;
        private Stores stores;
        Clock clock = Clock.systemUTC();
        TokenEventListener listener = TokenEventListener.NONE;
        java.util.function.LongSupplier ticker = System::nanoTime;

        private Builder() {}

        /** Monotonic nanoseconds for the staleness budget (tests in this package replace it). */
        Builder ticker(java.util.function.LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The configuration ({@code gatehouse.tokens.*}, see {@code docs/CONFIGURATION.md}). */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Uses the tokens store of {@code stores}: Redis if configured, else in memory. Also sets the config. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** The clock for issuing, expiry and staleness (tests move it by hand). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Receives revocations, reuse detections and key rotations. */
        public Builder listener(TokenEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Loads (or creates) the key set, loads the revocation state and starts the revocation reader.
         *
         * @throws io.gatehouse.config.ConfigException for a bad {@code gatehouse.tokens.*} value
         */
        public TokenService build() {
            if (config == null && stores == null) {
                throw new IllegalStateException("TokenService.builder() needs config(...) or stores(...)");
            }
            if (config == null) {
                config = stores.config();
            }
            if (redis == null && stores != null) {
                redis = StoresRedis.of(stores, io.gatehouse.config.Purpose.TOKENS)
                        .orElse(null);
            }
            return DefaultTokenService.create(this);
        }
    }
}
