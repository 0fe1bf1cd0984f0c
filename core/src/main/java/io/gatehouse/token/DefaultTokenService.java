package io.gatehouse.token;

import io.gatehouse.config.ConfigException;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The token service: wires the key set, the codec, the refresh store and the revocation link.
 *
 * Refresh, step by step (docs/TOKENS.md has the why):
 *   1. read the refresh token's claims (every check but the signature) and check the local revocation
 *      state; anything off -> the full verification, which names the reason;
 *   2. mint the would-be successor and seal it with a key derived from the presented token
 *      (SHA-256("gatehouse/successor", token)), which only a holder of that token can derive;
 *   3. rotate.lua, keyed by SHA-256 of the presented token: ROTATED (we return our successor), GRACE
 *      (another request rotated first, less than `grace` ago: unseal and return its successor, so every
 *      retry gets the same refresh token), REUSED (revoke family and session, emit the event) or UNKNOWN.
 *      A presented hash equal to a stored one authenticates the token; UNMATCHED (a hash we never stored,
 *      nothing changed) -> verify the signature (a forged token is refused here), then ask again as verified.
 */
final class DefaultTokenService implements TokenService {
    private static final Logger log = LoggerFactory.getLogger(DefaultTokenService.class);
    private static final String SUCCESSOR_KEY_LABEL = "gatehouse/successor";

    private final TokenSettings settings;
    private final Clock clock;
    private final KeyManager keys;
    private final TokenCodec codec;
    private final RefreshStore refreshStore;
    private final RevocationLink link;
    private final LocalRevocationState state;
    private final RevocationLog revocationLog;
    private final TokenEventListener listener;
    private final ScheduledExecutorService maintenance;

    private DefaultTokenService(TokenSettings settings, Clock clock, java.util.function.LongSupplier ticker, KeyManager keys,
                                RefreshStore refreshStore, RevocationLog revocationLog, boolean remote,
                                TokenEventListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.keys = keys;
        this.codec = new TokenCodec(settings, keys, clock);
        this.refreshStore = refreshStore;
        this.listener = listener;
        this.state = new LocalRevocationState();
        this.revocationLog = revocationLog;
        this.link = new RevocationLink(revocationLog, state, clock, ticker, settings.stalenessBudget(), settings.stalePolicy(),
                settings.readBlock(), listener, remote);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-token-maintenance");
            t.setDaemon(true);
            return t;
        });
        long reload = settings.keyReloadInterval().toMillis();
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                keys.maintain();
            } catch (RuntimeException e) {
                log.warn("Token key maintenance ({}) failed: {}", keys.describeStore(), e.toString());
            }
        }, reload, reload, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                sweepNow();
            } catch (RuntimeException e) {
                log.debug("Revocation cleanup failed: {}", e.toString());
            }
        }, 60, 60, TimeUnit.SECONDS);
    }

    static TokenService create(TokenService.Builder b) {
        TokenSettings s = TokenSettings.from(b.config);
        RedisConnector redis = b.redis;
        KeyStore keyStore = switch (s.keyStore()) {
            case AUTO -> redis != null ? new RedisKeyStore(redis) : new FileKeyStore(s.keyFile());
            case FILE -> new FileKeyStore(s.keyFile());
            case MEMORY -> new InMemoryKeyStore();
            case REDIS -> {
                if (redis == null) {
                    throw new ConfigException(TokenSettings.PREFIX + "keys.store", TokenSettings.PREFIX
                            + "keys.store = redis but tokens have no Redis: set gatehouse.redis.tokens.url (or gatehouse.redis.url)");
                }
                yield new RedisKeyStore(redis);
            }
        };
        KeyManager keys;
        try {
            keys = new KeyManager(keyStore, s, b.clock, b.listener);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TokenSettings.PREFIX + "keys.encryption-key", "The token signing keys in "
                    + keyStore.describe() + " cannot be read: " + e.getMessage() + ". Set " + TokenSettings.PREFIX
                    + "keys.encryption-key to the key they were encrypted with.");
        }
        if (redis != null) {
            List<RedisScript> scripts = new ArrayList<>(RedisRevocationLog.scripts());
            scripts.addAll(RedisRefreshStore.scripts());
            redis.preload(scripts);
            return new DefaultTokenService(s, b.clock, b.ticker, keys, new RedisRefreshStore(redis),
                    new RedisRevocationLog(redis, s.streamMaxLength(), s.streamRetention()), true, b.listener);
        }
        return new DefaultTokenService(s, b.clock, b.ticker, keys, new InMemoryRefreshStore(),
                new InMemoryRevocationLog(s.streamMaxLength()), false, b.listener);
    }

    @Override
    public TokenPair issue(TokenRequest request) {
        Revocation.requireId(RevocationKind.USER, request.subject());
        Revocation.requireId(RevocationKind.SESSION, request.sessionId());
        Instant issued = link.issueInstant(request.subject(), clock.instant());
        Instant now = Instant.ofEpochSecond(issued.getEpochSecond());
        String family = TokenCodec.randomId();
        Instant refreshExp = now.plus(settings.refreshTtl());
        String refresh = codec.sign(TokenUse.REFRESH, TokenCodec.randomId(), request.subject(), request.sessionId(), family,
                issued, refreshExp, request.roles(), request.permissions());
        refreshStore.open(family, hash(refresh), clock.millis(), familyTtlMs());
        Instant accessExp = now.plus(settings.accessTtl());
        String access = codec.sign(TokenUse.ACCESS, TokenCodec.randomId(), request.subject(), request.sessionId(), family,
                issued, accessExp, request.roles(), request.permissions());
        return new TokenPair(access, refresh, accessExp, refreshExp, request.sessionId(), family);
    }

    @Override
    public VerifiedToken verify(String accessToken) {
        VerifiedToken t = codec.verify(accessToken, TokenUse.ACCESS, true);
        RevocationStatus s = link.check(t);
        if (s != RevocationStatus.VALID) {
            throw new TokenRejectedException(s.reason(), "revocation check: " + s);
        }
        return t;
    }

    @Override
    public VerifiedToken verifyRefresh(String refreshToken) {
        return codec.verify(refreshToken, TokenUse.REFRESH, true);
    }

    @Override
    public Optional<UnverifiedRefresh> peekRefresh(String refreshToken) {
        VerifiedToken t = codec.readUnverified(refreshToken, TokenUse.REFRESH);
        return t == null ? Optional.empty() : Optional.of(new UnverifiedRefresh(t.subject(), t.sessionId(), t.familyId()));
    }

    @Override
    public TokenPair refresh(String refreshToken) {
        // The signature of the presented token is not verified up front: rotate.lua compares its SHA-256 with
        // the hashes of the tokens we issued to its family, and an equal hash proves the token is, byte for
        // byte, one we signed (docs/TOKENS.md, "Why a refresh skips the signature check"). Every other case
        // (claims off, revoked, a hash we never stored, an unknown family) verifies the signature before it
        // answers or changes anything, so a forged token is refused exactly as verify() refuses it.
        boolean verified = false;
        VerifiedToken old = codec.readUnverified(refreshToken, TokenUse.REFRESH);
        if (old == null || link.check(old) != RevocationStatus.VALID) {
            old = verified(refreshToken);
            verified = true;
        }
        Instant issued = link.issueInstant(old.subject(), clock.instant());
        Instant now = Instant.ofEpochSecond(issued.getEpochSecond());
        long nowMs = clock.millis();
        Instant refreshExp = now.plus(settings.refreshTtl());
        String successor = codec.sign(TokenUse.REFRESH, TokenCodec.randomId(), old.subject(), old.sessionId(),
                old.familyId(), issued, refreshExp, old.roles(), old.permissions());
        byte[] sealKey = SealedBox.sha256(SUCCESSOR_KEY_LABEL, refreshToken);
        String sealed = SealedBox.seal(sealKey, successor, old.familyId());
        String presentedHash = hash(refreshToken);
        String successorHash = hash(successor);
        long graceMs = settings.grace().toMillis();
        RefreshStore.Rotation r = refreshStore.rotate(old.familyId(), presentedHash, successorHash, sealed, nowMs,
                graceMs, familyTtlMs(), verified);
        if (!verified && (r.outcome() == RefreshStore.Outcome.UNMATCHED || r.outcome() == RefreshStore.Outcome.UNKNOWN)) {
            // The hash authenticated nothing and nothing was changed. A forged token stops here with the
            // reason verify() gives; an authentic one is an older generation (reuse) or of a lost family.
            old = verified(refreshToken);
            verified = true;
            if (r.outcome() == RefreshStore.Outcome.UNMATCHED) {
                r = refreshStore.rotate(old.familyId(), presentedHash, successorHash, sealed, nowMs, graceMs,
                        familyTtlMs(), true);
            }
        }
        String refresh;
        switch (r.outcome()) {
            case ROTATED -> refresh = successor;
            case GRACE -> {
                try {
                    refresh = SealedBox.open(sealKey, r.sealedSuccessor(), old.familyId());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("the sealed successor of family " + old.familyId() + " does not open", e);
                }
                // Authentic without a signature check: it opened (AES-GCM) with a key only a holder of the
                // presented, hash-matched token can derive, bound to this family. Only its expiry is needed.
                VerifiedToken again = codec.readUnverified(refresh, TokenUse.REFRESH);
                refreshExp = (again != null ? again : codec.verify(refresh, TokenUse.REFRESH, true)).expiresAt();
            }
            case REUSED -> {
                onReuse(old, r.firstReuse());
                throw new TokenRejectedException(RejectReason.REFRESH_REUSED,
                        "refresh token was already rotated; family and session revoked");
            }
            case UNKNOWN -> throw new TokenRejectedException(RejectReason.REFRESH_UNKNOWN, "refresh family not found");
            default -> throw new IllegalStateException("unexpected rotation outcome " + r.outcome());
        }
        Instant accessExp = now.plus(settings.accessTtl());
        String access = codec.sign(TokenUse.ACCESS, TokenCodec.randomId(), old.subject(), old.sessionId(), old.familyId(),
                issued, accessExp, old.roles(), old.permissions());
        return new TokenPair(access, refresh, accessExp, refreshExp, old.sessionId(), old.familyId());
    }

    /** The full verification of a refresh token plus the local revocation check; throws the reason. */
    private VerifiedToken verified(String refreshToken) {
        VerifiedToken t = codec.verify(refreshToken, TokenUse.REFRESH, true);
        RevocationStatus status = link.check(t);
        if (status != RevocationStatus.VALID) {
            throw new TokenRejectedException(status.reason(), "revocation check: " + status);
        }
        return t;
    }

    private void onReuse(VerifiedToken old, boolean first) {
        Instant at = clock.instant();
        Instant until = at.plus(settings.maxTokenLifetime());
        List<Revocation> entries = List.of(
                Revocation.family(old.familyId(), at, until, "refresh-reuse"),
                Revocation.session(old.sessionId(), at, until, "refresh-reuse"));
        // Repeated on every reuse attempt (idempotent): if a previous attempt died between marking the
        // family and writing these, this one completes it.
        link.append(entries);
        log.warn("Refresh token reuse: family {} of session {} revoked (first detection: {})", old.familyId(),
                old.sessionId(), first);
        notifyRevoked(entries);
        try {
            listener.reuseDetected(new ReuseEvent(old.subject(), old.sessionId(), old.familyId(), old.tokenId(), first, at));
        } catch (RuntimeException e) {
            log.warn("Token event listener failed on reuseDetected", e);
        }
    }

    @Override
    public RevocationStatus check(VerifiedToken token) {
        return link.check(token);
    }

    @Override
    public void revokeToken(String jti, Instant expiresAt, String reason) {
        Instant now = clock.instant();
        revokeAll(List.of(Revocation.token(jti, now, max(expiresAt.plus(settings.clockSkew()), now), reason)));
    }

    @Override
    public boolean revoke(String token, String reason) {
        for (TokenUse use : TokenUse.values()) {
            VerifiedToken t;
            try {
                t = codec.verify(token, use, false);
            } catch (TokenRejectedException e) {
                if (e.reason() == RejectReason.WRONG_TOKEN_USE || e.reason() == RejectReason.ALGORITHM_NOT_ALLOWED) {
                    continue;
                }
                return false;
            }
            Instant now = clock.instant();
            if (t.expiresAt().plus(settings.clockSkew()).isBefore(now)) {
                return false;
            }
            if (use == TokenUse.REFRESH) {
                revokeAll(List.of(Revocation.family(t.familyId(), now, now.plus(settings.maxTokenLifetime()), reason)));
            } else {
                revokeToken(t.tokenId(), t.expiresAt(), reason);
            }
            return true;
        }
        return false;
    }

    @Override
    public void revokeSession(String sessionId, String reason, Instant until) {
        revokeSessions(List.of(sessionId), reason, until);
    }

    @Override
    public void revokeSessions(Collection<String> sessionIds, String reason, Instant until) {
        Instant now = clock.instant();
        List<Revocation> entries = new ArrayList<>(sessionIds.size());
        for (String id : sessionIds) {
            entries.add(Revocation.session(id, now, max(until, now), reason));
        }
        revokeAll(entries);
    }

    @Override
    public void revokeFamily(String familyId, String reason) {
        Instant now = clock.instant();
        revokeAll(List.of(Revocation.family(familyId, now, now.plus(settings.maxTokenLifetime()), reason)));
    }

    @Override
    public void revokeUser(String subject, String reason) {
        Instant now = clock.instant();
        revokeAll(List.of(Revocation.user(subject, now, now.plus(settings.maxTokenLifetime()), reason)));
    }

    @Override
    public void revokeAll(List<Revocation> revocations) {
        if (revocations.isEmpty()) {
            return;
        }
        // A batch in one script call; very large batches are cut so one script does not hold Redis long.
        for (int from = 0; from < revocations.size(); from += 500) {
            List<Revocation> chunk = List.copyOf(revocations.subList(from, Math.min(revocations.size(), from + 500)));
            link.append(chunk);
            notifyRevoked(chunk);
        }
    }

    private void notifyRevoked(List<Revocation> entries) {
        try {
            listener.revoked(entries);
        } catch (RuntimeException e) {
            log.warn("Token event listener failed on revoked", e);
        }
    }

    @Override
    public RevocationStats revocationStats() {
        return state.stats(link.lastContact());
    }

    @Override
    public java.time.Duration tokenLifetimeBound() {
        return settings.refreshTtl().plus(settings.accessTtl());
    }

    @Override
    public RevocationHealth revocationHealth() {
        return link.health();
    }

    @Override
    public String jwks() {
        return keys.current().jwks();
    }

    @Override
    public String rotateKeys() {
        return keys.rotate();
    }

    @Override
    public String activeKeyId() {
        return keys.active().kid();
    }

    @Override
    public String issuer() {
        return settings.issuer();
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
        link.close();
    }

    /** Forgets expired revocation entries here and in the store (runs every minute). */
    void sweepNow() {
        long now = clock.millis();
        state.sweep(now);
        revocationLog.cleanup(now);
    }

    /** For tests in this package: the key set (to sign deliberately bad tokens with a real key). */
    KeyManager keyManager() {
        return keys;
    }

    private long familyTtlMs() {
        return settings.refreshTtl().plus(settings.grace()).plus(settings.clockSkew()).toMillis();
    }

    /** SHA-256 hex of a refresh token: the only form in which refresh tokens are stored. */
    static String hash(String token) {
        return HexFormat.of().formatHex(SealedBox.sha256("", token));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

}
