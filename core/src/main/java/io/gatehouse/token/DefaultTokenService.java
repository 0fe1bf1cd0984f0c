package io.gatehouse.token;

import io.gatehouse.config.ConfigException;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The token service: wires the key set, the codec, the refresh store and the revocation link.
 *
 * Refresh, step by step (docs/TOKENS.md has the why):
 *   opaque token (the default): its family id from the text, the local family-revocation check, then
 *      rotate.lua keyed by SHA-256 of the token. Only a hash equal to a stored one does anything; the
 *      family's claims come back from the script, then the local revocation check and the access token.
 *   JWT token: read its claims without the signature and check the local revocation state (anything off
 *      -> the full verification, which names the reason), then rotate.lua the same way; a hash we never
 *      stored (UNMATCHED, nothing changed) -> verify the signature, then ask again as verified.
 *   Both: the would-be successor (in the configured format) is minted before the script and sealed with
 *   a key derived from the presented token (SHA-256("gatehouse/successor", token)), which only a holder
 *   of that token can derive: ROTATED returns it, GRACE (another request rotated first, less than `grace`
 *   ago) opens the stored one, so every retry gets the same refresh token; REUSED revokes family and
 *   session and emits the event; LIMITED (the family's RefreshLimit, counted for matched hashes only).
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

    private DefaultTokenService(
            TokenSettings settings,
            Clock clock,
            java.util.function.LongSupplier ticker,
            KeyManager keys,
            RefreshStore refreshStore,
            RevocationLog revocationLog,
            boolean remote,
            TokenEventListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.keys = keys;
        this.codec = new TokenCodec(settings, keys, clock);
        this.refreshStore = refreshStore;
        this.listener = listener;
        this.state = new LocalRevocationState();
        this.revocationLog = revocationLog;
        this.link = new RevocationLink(
                revocationLog,
                state,
                clock,
                ticker,
                settings.stalenessBudget(),
                settings.stalePolicy(),
                settings.readBlock(),
                listener,
                remote);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-token-maintenance");
            t.setDaemon(true);
            return t;
        });
        long reload = settings.keyReloadInterval().toMillis();
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        keys.maintain();
                    } catch (RuntimeException e) {
                        log.warn("Token key maintenance ({}) failed: {}", keys.describeStore(), e.toString());
                    }
                },
                reload,
                reload,
                TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        sweepNow();
                    } catch (RuntimeException e) {
                        log.debug("Revocation cleanup failed: {}", e.toString());
                    }
                },
                60,
                60,
                TimeUnit.SECONDS);
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
                    throw new ConfigException(
                            TokenSettings.PREFIX + "keys.store",
                            TokenSettings.PREFIX
                                    + "keys.store = redis but tokens have no Redis: set gatehouse.redis.tokens.url (or gatehouse.redis.url)");
                }
                yield new RedisKeyStore(redis);
            }
        };
        KeyManager keys;
        try {
            keys = new KeyManager(keyStore, s, b.clock, b.listener);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    TokenSettings.PREFIX + "keys.encryption-key",
                    "The token signing keys in "
                            + keyStore.describe() + " cannot be read: " + e.getMessage() + ". Set "
                            + TokenSettings.PREFIX
                            + "keys.encryption-key to the key they were encrypted with.");
        }
        if (redis != null) {
            List<RedisScript> scripts = new ArrayList<>(RedisRevocationLog.scripts());
            scripts.addAll(RedisRefreshStore.scripts());
            redis.preload(scripts);
            return new DefaultTokenService(
                    s,
                    b.clock,
                    b.ticker,
                    keys,
                    new RedisRefreshStore(redis),
                    new RedisRevocationLog(redis, s.streamMaxLength(), s.streamRetention()),
                    true,
                    b.listener);
        }
        return new DefaultTokenService(
                s,
                b.clock,
                b.ticker,
                keys,
                new InMemoryRefreshStore(),
                new InMemoryRevocationLog(s.streamMaxLength()),
                false,
                b.listener);
    }

    @Override
    public TokenPair issue(TokenRequest request) {
        Revocation.requireId(RevocationKind.USER, request.subject());
        Revocation.requireId(RevocationKind.SESSION, request.sessionId());
        Instant issued = link.issueInstant(request.subject(), clock.instant());
        Instant now = Instant.ofEpochSecond(issued.getEpochSecond());
        String family = TokenCodec.randomId();
        Instant refreshExp = now.plus(settings.refreshTtl());
        // A token issued is an authentication at issue, unless the caller says when it happened.
        Instant authTime = request.authTime().orElse(issued);
        String refresh = opaque()
                ? OpaqueRefreshToken.mint(family)
                : codec.sign(
                        TokenUse.REFRESH,
                        TokenCodec.randomId(),
                        request.subject(),
                        request.sessionId(),
                        family,
                        issued,
                        refreshExp,
                        request.roles(),
                        request.permissions(),
                        request.amr(),
                        authTime);
        FamilyClaims claims = new FamilyClaims(
                request.subject(),
                request.sessionId(),
                issued,
                request.roles(),
                request.permissions(),
                request.amr(),
                Optional.of(authTime));
        refreshStore.open(family, hash(refresh), claims.toJson(), clock.millis(), familyTtlMs());
        Instant accessExp = now.plus(settings.accessTtl());
        String access = codec.sign(
                TokenUse.ACCESS,
                TokenCodec.randomId(),
                request.subject(),
                request.sessionId(),
                family,
                issued,
                accessExp,
                request.roles(),
                request.permissions(),
                request.amr(),
                authTime);
        return new TokenPair(access, refresh, accessExp, refreshExp, request.sessionId(), family, request.subject());
    }

    @Override
    public VerifiedToken verify(String accessToken) {
        if (OpaqueRefreshToken.looksOpaque(accessToken)) {
            throw new TokenRejectedException(
                    RejectReason.WRONG_TOKEN_USE, "a refresh token where an access token is expected");
        }
        VerifiedToken t = codec.verify(accessToken, TokenUse.ACCESS, true);
        RevocationStatus s = link.check(t);
        if (s != RevocationStatus.VALID) {
            throw new TokenRejectedException(s.reason(), "revocation check: " + s);
        }
        return t;
    }

    @Override
    public VerifiedToken verifyRefresh(String refreshToken) {
        if (!OpaqueRefreshToken.looksOpaque(refreshToken)) {
            return codec.verify(refreshToken, TokenUse.REFRESH, true);
        }
        String familyId = opaqueFamily(refreshToken);
        String presented = hash(refreshToken);
        RefreshStore.Family f = refreshStore.read(familyId, clock.millis());
        if (f == null
                || !(presented.equals(f.currentHash()) || presented.equals(f.previousHash()))
                || f.claims() == null) {
            throw new TokenRejectedException(RejectReason.REFRESH_UNKNOWN, "no refresh family holds this token");
        }
        return opaqueToken(
                presented,
                familyId,
                FamilyClaims.fromJson(f.claims()),
                Instant.ofEpochMilli(clock.millis() + Math.max(0, f.ttlMs())));
    }

    @Override
    public Optional<VerifiedToken> activeRefresh(String refreshToken) {
        VerifiedToken t;
        try {
            t = verifyRefresh(refreshToken);
        } catch (TokenRejectedException e) {
            return Optional.empty();
        }
        // A retired token is not active even though it still authenticates a grace retry: presented again
        // after the window it is reuse. A JWT costs a store read here too, for the same reason.
        RefreshStore.Family f = refreshStore.read(t.familyId(), clock.millis());
        if (f == null || !hash(refreshToken).equals(f.currentHash()) || link.check(t) != RevocationStatus.VALID) {
            return Optional.empty();
        }
        return Optional.of(t);
    }

    @Override
    public TokenPair refresh(String refreshToken) {
        return refresh(refreshToken, RefreshLimit.NONE, UnaryOperator.identity());
    }

    @Override
    public TokenPair refresh(String refreshToken, RefreshLimit limit, UnaryOperator<TokenRequest> mint) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(mint, "mint");
        RefreshStore.FamilyLimit familyLimit =
                new RefreshStore.FamilyLimit(limit.limit(), limit.window().toMillis());
        return OpaqueRefreshToken.looksOpaque(refreshToken)
                ? refreshOpaque(refreshToken, limit, familyLimit, mint)
                : refreshJwt(refreshToken, limit, familyLimit, mint);
    }

    /*
     * An opaque token is authenticated by rotate.lua alone: its SHA-256 equal to the family's current (or,
     * for a grace retry or a reuse, last retired) hash. Anything else is 'unmatched' or 'unknown' with
     * nothing changed, and is refused here with no signature check and no other store call: a forged or
     * truncated token costs one hash and one script that writes nothing. The claims come from the family.
     */
    private TokenPair refreshOpaque(
            String token, RefreshLimit limit, RefreshStore.FamilyLimit familyLimit, UnaryOperator<TokenRequest> mint) {
        String familyId = opaqueFamily(token);
        RevocationStatus before = link.checkFamily(familyId);
        if (before != RevocationStatus.VALID) {
            // Known locally, no round trip: a revoked family stays dead whatever the token, and past the
            // staleness budget (fail-closed) nothing is rotated that could not be checked afterwards.
            throw new TokenRejectedException(before.reason(), "revocation check: " + before);
        }
        String presentedHash = hash(token);
        Successor next = successor(token, familyId, OpaqueRefreshToken.mint(familyId));
        RefreshStore.Rotation r = refreshStore.rotate(
                familyId,
                presentedHash,
                next.hash(),
                next.sealed(),
                clock.millis(),
                settings.grace().toMillis(),
                familyTtlMs(),
                false,
                "",
                familyLimit);
        if (r.outcome() == RefreshStore.Outcome.UNKNOWN || r.outcome() == RefreshStore.Outcome.UNMATCHED) {
            throw new TokenRejectedException(RejectReason.REFRESH_UNKNOWN, "no refresh family holds this token");
        }
        if (r.outcome() == RefreshStore.Outcome.LIMITED) {
            throw new RefreshLimitedException(limit, Duration.ofMillis(r.retryAfterMs()));
        }
        if (r.claims() == null) {
            throw new IllegalStateException("refresh family " + familyId + " of an opaque token has no claims");
        }
        FamilyClaims claims = FamilyClaims.fromJson(r.claims());
        VerifiedToken presented =
                opaqueToken(presentedHash, familyId, claims, clock.instant().plus(settings.refreshTtl()));
        return finish(r, presented, next, mint);
    }

    /*
     * A JWT refresh token (issued with refresh.format=jwt, or before the upgrade to opaque tokens). Its
     * signature is not verified up front: rotate.lua compares its SHA-256 with the hashes of the tokens we
     * issued to its family, and an equal hash proves the token is, byte for byte, one we signed
     * (docs/TOKENS.md, "Why a refresh skips the signature check"). Every other case (claims off, revoked, a
     * hash we never stored, an unknown family) verifies the signature before it answers or changes anything.
     * The successor has the configured format: after an upgrade, the chain goes on with opaque tokens.
     */
    private TokenPair refreshJwt(
            String refreshToken,
            RefreshLimit limit,
            RefreshStore.FamilyLimit familyLimit,
            UnaryOperator<TokenRequest> mint) {
        boolean verified = false;
        VerifiedToken old = codec.readUnverified(refreshToken, TokenUse.REFRESH);
        if (old == null || link.check(old) != RevocationStatus.VALID) {
            old = verified(refreshToken);
            verified = true;
        }
        Instant issued = link.issueInstant(old.subject(), clock.instant());
        long nowMs = clock.millis();
        String successor = opaque()
                ? OpaqueRefreshToken.mint(old.familyId())
                : codec.sign(
                        TokenUse.REFRESH,
                        TokenCodec.randomId(),
                        old.subject(),
                        old.sessionId(),
                        old.familyId(),
                        issued,
                        Instant.ofEpochSecond(issued.getEpochSecond()).plus(settings.refreshTtl()),
                        old.roles(),
                        old.permissions(),
                        old.amr(),
                        authTimeOf(old));
        Successor next = successor(refreshToken, old.familyId(), successor);
        String claims = new FamilyClaims(
                        old.subject(),
                        old.sessionId(),
                        old.issuedAt(),
                        old.roles(),
                        old.permissions(),
                        old.amr(),
                        old.authTime())
                .toJson();
        String presentedHash = hash(refreshToken);
        long graceMs = settings.grace().toMillis();
        RefreshStore.Rotation r = refreshStore.rotate(
                old.familyId(),
                presentedHash,
                next.hash(),
                next.sealed(),
                nowMs,
                graceMs,
                familyTtlMs(),
                verified,
                claims,
                familyLimit);
        if (!verified
                && (r.outcome() == RefreshStore.Outcome.UNMATCHED || r.outcome() == RefreshStore.Outcome.UNKNOWN)) {
            // The hash authenticated nothing and nothing was changed. A forged token stops here with the
            // reason verify() gives; an authentic one is an older generation (reuse) or of a lost family.
            old = verified(refreshToken);
            verified = true;
            if (r.outcome() == RefreshStore.Outcome.UNMATCHED) {
                r = refreshStore.rotate(
                        old.familyId(),
                        presentedHash,
                        next.hash(),
                        next.sealed(),
                        nowMs,
                        graceMs,
                        familyTtlMs(),
                        true,
                        claims,
                        familyLimit);
            }
        }
        if (r.outcome() == RefreshStore.Outcome.UNKNOWN) {
            throw new TokenRejectedException(RejectReason.REFRESH_UNKNOWN, "refresh family not found");
        }
        if (r.outcome() == RefreshStore.Outcome.LIMITED) {
            throw new RefreshLimitedException(limit, Duration.ofMillis(r.retryAfterMs()));
        }
        return finish(r, old, next, mint);
    }

    /** The successor of a presented token, sealed for the grace window with a key only its holder can derive. */
    private record Successor(String token, String hash, byte[] sealKey, String sealed) {}

    private static Successor successor(String presented, String familyId, String token) {
        byte[] sealKey = SealedBox.sha256(SUCCESSOR_KEY_LABEL, presented);
        return new Successor(token, hash(token), sealKey, SealedBox.seal(sealKey, token, familyId));
    }

    /** After an authenticated rotation (ROTATED, GRACE, REUSED): the revocation check, then the new pair. */
    private TokenPair finish(
            RefreshStore.Rotation r, VerifiedToken presented, Successor next, UnaryOperator<TokenRequest> mint) {
        if (r.outcome() == RefreshStore.Outcome.REUSED) {
            onReuse(presented, r.firstReuse());
            throw new TokenRejectedException(
                    RejectReason.REFRESH_REUSED,
                    "refresh token was already rotated; family and session revoked",
                    presented.sessionId());
        }
        RevocationStatus status = link.check(presented);
        if (status != RevocationStatus.VALID) {
            if (status != RevocationStatus.UNKNOWN && r.outcome() == RefreshStore.Outcome.ROTATED) {
                // The session or the user was revoked, not the family, and the family has just rotated to a
                // successor nobody will get: revoke the family, so a retry of this token stops here (local)
                // instead of reaching the store after the grace window and raising a false reuse alarm.
                revokeFamily(
                        presented.familyId(), "refresh after " + status.reason().code());
            }
            throw new TokenRejectedException(status.reason(), "revocation check: " + status);
        }
        Instant issued = link.issueInstant(presented.subject(), clock.instant());
        Instant now = Instant.ofEpochSecond(issued.getEpochSecond());
        String refresh;
        Instant refreshExp;
        if (r.outcome() == RefreshStore.Outcome.ROTATED) {
            refresh = next.token();
            refreshExp = now.plus(settings.refreshTtl());
        } else if (r.outcome() == RefreshStore.Outcome.GRACE) {
            try {
                refresh = SealedBox.open(next.sealKey(), r.sealedSuccessor(), presented.familyId());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "the sealed successor of family " + presented.familyId() + " does not open", e);
            }
            // Authentic without a signature check: it opened (AES-GCM) with a key only a holder of the
            // presented, hash-matched token can derive, bound to this family. Only its expiry is needed.
            VerifiedToken again =
                    OpaqueRefreshToken.looksOpaque(refresh) ? null : codec.readUnverified(refresh, TokenUse.REFRESH);
            refreshExp = again != null ? again.expiresAt() : now.plus(settings.refreshTtl());
        } else {
            throw new IllegalStateException("unexpected rotation outcome " + r.outcome());
        }
        TokenRequest stored = new TokenRequest(
                presented.subject(),
                presented.sessionId(),
                presented.roles(),
                presented.permissions(),
                presented.amr(),
                presented.authTime());
        TokenRequest minted;
        try {
            minted = mint.apply(stored);
        } catch (RuntimeException e) {
            if (r.outcome() == RefreshStore.Outcome.ROTATED) {
                // The caller refused (a suspended user, say) after the family rotated to a successor nobody
                // gets: revoke the family, so a retry stops at the local check and never looks like reuse.
                revokeFamily(presented.familyId(), "refresh refused");
            }
            throw e;
        }
        if (!minted.subject().equals(stored.subject()) || !minted.sessionId().equals(stored.sessionId())) {
            throw new IllegalArgumentException(
                    "a refresh may change the roles and permissions, not the subject or session");
        }
        Instant accessExp = now.plus(settings.accessTtl());
        String access = codec.sign(
                TokenUse.ACCESS,
                TokenCodec.randomId(),
                minted.subject(),
                minted.sessionId(),
                presented.familyId(),
                issued,
                accessExp,
                minted.roles(),
                minted.permissions(),
                // How and when the user authenticated is the family's, whatever the caller mints: a refresh
                // is not an authentication.
                presented.amr(),
                authTimeOf(presented));
        return new TokenPair(
                access,
                refresh,
                accessExp,
                refreshExp,
                presented.sessionId(),
                presented.familyId(),
                presented.subject());
    }

    /** The family id of an opaque token, or the refusal of a malformed one (no store call). */
    private String opaqueFamily(String token) {
        String familyId = token.length() > settings.maxTokenLength() ? null : OpaqueRefreshToken.familyOf(token);
        if (familyId == null) {
            throw new TokenRejectedException(RejectReason.MALFORMED, "not a well-formed opaque refresh token");
        }
        return familyId;
    }

    /** An authenticated opaque token as a VerifiedToken: its id is derived from its hash (never the secret). */
    private static VerifiedToken opaqueToken(String hash, String familyId, FamilyClaims c, Instant expiresAt) {
        return new VerifiedToken(
                TokenUse.REFRESH,
                "",
                hash.substring(0, 32),
                c.subject(),
                c.sessionId(),
                familyId,
                c.issuedAt(),
                expiresAt,
                c.roles(),
                c.permissions(),
                c.amr(),
                c.authTime());
    }

    /**
     * When the user of a family authenticated: its {@code auth_time}, or for a family from before the claim
     * its login instant (the family's {@code issuedAt}), which is when that login happened.
     */
    private static Instant authTimeOf(VerifiedToken t) {
        return t.authTime().orElse(t.issuedAt());
    }

    private boolean opaque() {
        return settings.refreshFormat() == TokenSettings.RefreshFormat.OPAQUE;
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
        log.warn(
                "Refresh token reuse: family {} of session {} revoked (first detection: {})",
                old.familyId(),
                old.sessionId(),
                first);
        notifyRevoked(entries);
        try {
            listener.reuseDetected(
                    new ReuseEvent(old.subject(), old.sessionId(), old.familyId(), old.tokenId(), first, at));
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
        if (OpaqueRefreshToken.looksOpaque(token)) {
            try {
                revokeFamily(verifyRefresh(token).familyId(), reason);
                return true;
            } catch (TokenRejectedException e) {
                return false;
            }
        }
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
    public java.time.Duration accessTokenLifetimeBound() {
        return settings.accessTtl().plus(settings.clockSkew());
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
    public KeyRetirement retireKey(String kid, boolean force) {
        java.util.Objects.requireNonNull(kid, "kid");
        return keys.retire(kid, force);
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

    /** For tests in this package: signatures verified so far (a forged opaque token must cost none). */
    long signatureVerifications() {
        return codec.signatureVerifications();
    }

    /** For tests in this package: the key set (to sign deliberately bad tokens with a real key). */
    KeyManager keyManager() {
        return keys;
    }

    private long familyTtlMs() {
        return settings.refreshTtl()
                .plus(settings.grace())
                .plus(settings.clockSkew())
                .toMillis();
    }

    /** SHA-256 hex of a refresh token: the only form in which refresh tokens are stored. */
    static String hash(String token) {
        return HexFormat.of().formatHex(SealedBox.sha256("", token));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
