package io.gatehouse.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * Signs and verifies the JWTs with Nimbus, giving every refusal its own reason.
 *
 * Verification does not use Nimbus's DefaultJWTProcessor: that one folds most failures into a
 * BadJOSEException with a message, while callers here need a stable code per failure (alg none, key
 * confusion, unknown kid, wrong iss/aud, expired, not yet valid, malformed). So the steps are written
 * out in the order that leaks least: size and shape, header (alg none, typ, alg allowed for the token
 * use, kid), signature, and only then the claims, so a forged token never learns which claim was wrong.
 *
 * Key confusion (an HS256 token "signed" with our public key as the HMAC secret) cannot work: the
 * access-token path refuses every HMAC algorithm, and the alg of the header must equal the alg of the
 * key found by kid. Refresh tokens are signed like access tokens by default; in the optional hmac mode
 * they are MACed with a separate secret that is never published.
 */
final class TokenCodec {
    static final String CLAIM_SESSION = "sid";
    static final String CLAIM_FAMILY = "fam";
    static final String CLAIM_USE = "token_use";
    /**
     * The issue time in epoch milliseconds ({@code iat} has whole seconds): compared with a user's
     * not-before, so "revoke every token of the user" needs no wait for the next second.
     */
    static final String CLAIM_ISSUED_MS = "iat_ms";
    /**
     * The JOSE {@code typ} of refresh tokens. Access tokens say {@code JWT}, which is what an off-the-shelf
     * resource server requires; refresh tokens are signed with the same keys, so a different {@code typ} is
     * what makes such a server refuse a refresh token presented as an access token.
     */
    static final JOSEObjectType REFRESH_TYPE = new JOSEObjectType("refresh+jwt");

    static final String CLAIM_ROLES = "roles";
    static final String CLAIM_PERMISSIONS = "permissions";
    /** RFC 8176 authentication methods ({@code pwd}, {@code otp}, ...); omitted when none were given. */
    static final String CLAIM_AMR = "amr";
    /** When the user last authenticated (epoch seconds, as in OpenID Connect); RFC 9470 step-up compares it. */
    static final String CLAIM_AUTH_TIME = "auth_time";

    /** The JDK's encoder: Nimbus's Base64URL.encode writes the same text, several times slower (#19 profile). */
    static final java.util.Base64.Encoder BASE64URL =
            java.util.Base64.getUrlEncoder().withoutPadding();

    private final TokenSettings settings;
    private final KeyManager keys;
    private final Clock clock;
    /**
     * Access tokens whose signature and claims checked out, by their exact text. An ES256 verification
     * costs a few hundred microseconds of CPU, most of a Bearer check or an introspection; a resource
     * server presents the same access token on every call for its whole lifetime. The exact text is the
     * key, so a changed character is a miss and is verified in full; a hit is served only while the key
     * that verified it is still in the key set, and the time claims (exp, iat, nbf) are checked again on
     * every hit against the clock. Revocation is not cached: it is checked after this, on every call.
     * Null when {@code gatehouse.tokens.verify-cache-size} is 0.
     */
    private final Cache<String, Verified> verified;

    private final java.util.concurrent.atomic.LongAdder signatureVerifications =
            new java.util.concurrent.atomic.LongAdder();

    /** A cached verification: the claims, the key that verified them, and the instants they are valid between. */
    private record Verified(VerifiedToken token, SigningKey key, long validFromMillis, long expiresMillis) {}

    TokenCodec(TokenSettings settings, KeyManager keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
        this.verified = settings.verifyCacheSize() == 0
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(settings.verifyCacheSize())
                        // Maintenance (draining the read buffers, expiry, eviction) on the reading thread, which
                        // takes it only when the eviction lock is free: Caffeine's default hands each drain to
                        // ForkJoinPool.commonPool(), and waking a pool thread every few dozen reads cost
                        // introspection ~1 us of CPU per request on another thread (#19, docs/BENCHMARKS.md).
                        .executor(Runnable::run)
                        // Entries leave at the token's expiry (plus skew) at the latest; the hit path checks
                        // the clock anyway, this only frees the memory of expired tokens early.
                        .expireAfter(Expiry.<String, Verified>creating((token, v) -> Duration.ofMillis(Math.max(
                                0, v.expiresMillis() + settings.clockSkew().toMillis() - clock.millis()))))
                        .build();
    }

    /** 128 random bits, base64url: token ids and family ids. */
    static String randomId() {
        byte[] b = new byte[16];
        Randomness.nextBytes(b);
        return BASE64URL.encodeToString(b);
    }

    String sign(
            TokenUse use,
            String jti,
            String subject,
            String sessionId,
            String familyId,
            Instant issuedAt,
            Instant expiresAt,
            List<String> roles,
            List<String> permissions,
            List<String> amr,
            Instant authTime) {
        SigningKey key = keys.active();
        boolean mac = use == TokenUse.REFRESH && settings.refreshSigning() == TokenSettings.RefreshSigning.HMAC;
        // The members and their order are those Nimbus's JWTClaimsSet wrote before (CompactJwtTest).
        CompactJwt.Claims claims = new CompactJwt.Claims()
                .string("iss", settings.issuer())
                .string("sub", subject)
                .string("aud", settings.audience())
                .number("iat", issuedAt.getEpochSecond())
                .number("exp", expiresAt.getEpochSecond())
                .string("jti", jti)
                .string(CLAIM_SESSION, sessionId)
                .string(CLAIM_FAMILY, familyId)
                .string(CLAIM_USE, use.claim())
                .number(CLAIM_ISSUED_MS, issuedAt.toEpochMilli())
                .strings(CLAIM_ROLES, roles)
                .strings(CLAIM_PERMISSIONS, permissions);
        if (!amr.isEmpty()) {
            claims.strings(CLAIM_AMR, amr);
        }
        claims.number(CLAIM_AUTH_TIME, authTime.getEpochSecond());
        try {
            return CompactJwt.sign(key.header(use, mac), claims, mac ? key.macSigner() : key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
    }

    /**
     * @param checkExpiry false to accept expired tokens (revoking a token by presenting it)
     */
    VerifiedToken verify(String token, TokenUse expected, boolean checkExpiry) {
        if (token == null || token.isEmpty()) {
            throw reject(RejectReason.MALFORMED, "empty token");
        }
        if (token.length() > settings.maxTokenLength()) {
            throw reject(
                    RejectReason.TOO_LARGE,
                    "token of " + token.length() + " characters; at most " + settings.maxTokenLength() + " accepted");
        }
        boolean cacheable = verified != null && expected == TokenUse.ACCESS;
        if (cacheable) {
            Verified v = verified.getIfPresent(token);
            if (v != null) {
                if (keys.find(v.token().keyId()) == v.key()) {
                    long now = clock.millis();
                    long skew = settings.clockSkew().toMillis();
                    if (checkExpiry && v.expiresMillis() + skew <= now) {
                        throw reject(RejectReason.EXPIRED, "expired");
                    }
                    if (v.validFromMillis() - skew > now) {
                        throw reject(RejectReason.NOT_YET_VALID, "iat or nbf is in the future");
                    }
                    return v.token();
                }
                verified.invalidate(token); // its key left the key set: verify again (and fail)
            }
        }
        Checked c = verifyUncached(token, expected, checkExpiry);
        if (cacheable) {
            SigningKey key = keys.find(c.token().keyId());
            if (key != null) {
                verified.put(
                        token,
                        new Verified(
                                c.token(),
                                key,
                                c.validFromMillis(),
                                c.token().expiresAt().toEpochMilli()));
            }
        }
        return c.token();
    }

    /**
     * {@code iat_ms} when present (it must fall within the {@code iat} second), else {@code iat}: tokens
     * issued before the claim existed keep second precision.
     */
    private static Instant issuedAt(JWTClaimsSet c, Date iat) {
        Object ms = c.getClaim(CLAIM_ISSUED_MS);
        if (ms == null) {
            return iat.toInstant();
        }
        if (!(ms instanceof Number n)
                || n instanceof Double
                || n instanceof Float
                || Math.floorDiv(n.longValue(), 1000L) != Math.floorDiv(iat.getTime(), 1000L)) {
            throw reject(RejectReason.MISSING_CLAIM, CLAIM_ISSUED_MS + " is not a whole number within the iat second");
        }
        return Instant.ofEpochMilli(n.longValue());
    }

    /** A full verification's result and the instant (the later of iat and nbf) from which the token is valid. */
    private record Checked(VerifiedToken token, long validFromMillis) {}

    private Checked verifyUncached(String token, TokenUse expected, boolean checkExpiry) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!(c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '_')) {
                throw reject(RejectReason.MALFORMED, "character outside base64url at " + i);
            }
        }
        if (dots != 2) {
            throw reject(RejectReason.MALFORMED, "a JWS has 3 parts, this has " + (dots + 1));
        }
        String headerPart = token.substring(0, token.indexOf('.'));
        Map<String, Object> headerJson;
        try {
            headerJson = JSONObjectUtils.parse(new Base64URL(headerPart).decodeToString());
        } catch (ParseException | RuntimeException e) {
            throw reject(RejectReason.MALFORMED, "header is not base64url JSON");
        }
        Object algName = headerJson.get("alg");
        if (!(algName instanceof String)) {
            throw reject(RejectReason.MALFORMED, "header has no alg");
        }
        if ("none".equalsIgnoreCase((String) algName)) {
            throw reject(RejectReason.UNSIGNED, "alg none is never accepted");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw reject(RejectReason.MALFORMED, "not a JWS");
        }
        // Base64url leaves the low bits of a segment's last character unused, so several strings
        // decode to the same bytes. Only the canonical encoding is accepted: a token has exactly one
        // spelling, and a tampered character is always a rejection.
        for (Base64URL part : jwt.getParsedParts()) {
            if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
                throw reject(RejectReason.MALFORMED, "non-canonical base64url");
            }
        }
        JWSHeader header = jwt.getHeader();
        if (header.getType() != null
                && !"JWT".equalsIgnoreCase(header.getType().getType())
                && !REFRESH_TYPE.equals(header.getType())) {
            throw reject(RejectReason.WRONG_TYPE, "typ " + header.getType() + " is neither JWT nor " + REFRESH_TYPE);
        }
        JWSAlgorithm alg = header.getAlgorithm();
        boolean mac = JWSAlgorithm.Family.HMAC_SHA.contains(alg);
        if (mac && !JWSAlgorithm.HS256.equals(alg)) {
            throw reject(RejectReason.ALGORITHM_NOT_ALLOWED, alg + " is not accepted");
        }
        String kid = header.getKeyID();
        if (mac && expected == TokenUse.ACCESS) {
            // One of our own MACed refresh tokens is a wrong use; anything else with HMAC on the access
            // path (the classic public-key-as-HMAC-secret confusion) is an algorithm we never accept.
            SigningKey k = kid == null ? null : keys.find(kid);
            throw k != null && verifies(jwt, k.macVerifier())
                    ? reject(RejectReason.WRONG_TOKEN_USE, "a refresh token where an access token is expected")
                    : reject(RejectReason.ALGORITHM_NOT_ALLOWED, alg + " is not accepted on access tokens");
        }
        if (kid == null || kid.isEmpty()) {
            throw reject(RejectReason.UNKNOWN_KEY, "no kid in the header");
        }
        if (kid.length() > 128) {
            throw reject(RejectReason.UNKNOWN_KEY, "kid too long");
        }
        SigningKey key = keys.find(kid);
        if (key == null) {
            throw reject(RejectReason.UNKNOWN_KEY, "kid is not in the key set");
        }
        if (!mac && !key.algorithm().jws().equals(alg)) {
            throw reject(
                    RejectReason.ALGORITHM_NOT_ALLOWED,
                    "header alg " + alg + " does not match the key's "
                            + key.algorithm().jws());
        }
        if (!verifies(jwt, mac ? key.macVerifier() : key.verifier())) {
            throw reject(RejectReason.BAD_SIGNATURE, "signature does not verify with key " + kid);
        }
        return claims(jwt, kid, expected, checkExpiry);
    }

    /**
     * Reads a token's claims with every check of {@link #verify} except the signature, for a caller that
     * authenticates the token another way: the refresh store's match of its SHA-256 against the hash of a
     * token we issued. Returns null when anything is off (the caller then runs {@link #verify}, which names
     * the reason after the signature, so a forged token never learns which claim was wrong). Costs a
     * parse: no signature verification, no exception on the good path.
     */
    VerifiedToken readUnverified(String token, TokenUse expected) {
        if (token == null || token.isEmpty() || token.length() > settings.maxTokenLength()) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            return claims(jwt, jwt.getHeader().getKeyID(), expected, true).token();
        } catch (ParseException | RuntimeException e) {
            // TokenRejectedException included: the full verification says what is wrong
            return null;
        }
    }

    /** How many signatures this codec has verified (tests check that a forged opaque token costs none). */
    long signatureVerifications() {
        return signatureVerifications.sum();
    }

    private boolean verifies(SignedJWT jwt, JWSVerifier verifier) {
        signatureVerifications.increment();
        try {
            return jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private Checked claims(SignedJWT jwt, String kid, TokenUse expected, boolean checkExpiry) {
        JWTClaimsSet c;
        try {
            c = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject(RejectReason.MALFORMED, "claims are not a JSON object");
        }
        if (!settings.issuer().equals(c.getIssuer())) {
            throw reject(RejectReason.WRONG_ISSUER, "iss is not this issuer");
        }
        if (c.getAudience() == null || !c.getAudience().contains(settings.audience())) {
            throw reject(RejectReason.WRONG_AUDIENCE, "aud does not contain " + settings.audience());
        }
        Date exp;
        Date iat;
        Date nbf;
        try {
            exp = c.getDateClaim("exp");
            iat = c.getDateClaim("iat");
            nbf = c.getDateClaim("nbf");
        } catch (ParseException e) {
            throw reject(RejectReason.MISSING_CLAIM, "exp, iat or nbf is not a number");
        }
        if (exp == null || iat == null) {
            throw reject(RejectReason.MISSING_CLAIM, "exp and iat are required");
        }
        long now = clock.millis();
        long skew = settings.clockSkew().toMillis();
        if (checkExpiry && exp.getTime() + skew <= now) {
            throw reject(RejectReason.EXPIRED, "expired");
        }
        if (iat.getTime() - skew > now || nbf != null && nbf.getTime() - skew > now) {
            throw reject(RejectReason.NOT_YET_VALID, "iat or nbf is in the future");
        }
        String use = string(c, CLAIM_USE);
        TokenUse actual = TokenUse.ofClaim(use);
        if (actual == null) {
            throw reject(RejectReason.MISSING_CLAIM, CLAIM_USE + " is missing or unknown");
        }
        if (actual != expected) {
            throw reject(
                    RejectReason.WRONG_TOKEN_USE,
                    "a " + actual.claim() + " token where an " + expected.claim() + " token is expected");
        }
        // Checked after the use claim, so a refresh token on the access path is named as such.
        if ((actual == TokenUse.REFRESH) != REFRESH_TYPE.equals(jwt.getHeader().getType())) {
            throw reject(
                    RejectReason.WRONG_TYPE,
                    "typ " + jwt.getHeader().getType() + " does not match a " + actual.claim() + " token");
        }
        String sub = c.getSubject();
        String jti = c.getJWTID();
        String sid = string(c, CLAIM_SESSION);
        String fam = string(c, CLAIM_FAMILY);
        if (sub == null || jti == null || sid == null || fam == null) {
            throw reject(RejectReason.MISSING_CLAIM, "sub, jti, sid and fam are required");
        }
        if (!Revocation.isValidId(sub)
                || !Revocation.isValidId(jti)
                || !Revocation.isValidId(sid)
                || !Revocation.isValidId(fam)) {
            // We never sign such ids (they could not be keys of the revocation state or a refresh family), so
            // only a forgery has them: read without the signature this is null, and the full verification
            // refuses it at the signature, before this line.
            throw reject(RejectReason.MALFORMED, "sub, jti, sid or fam holds characters an id cannot have");
        }
        Instant issuedAt = issuedAt(c, iat);
        return new Checked(
                new VerifiedToken(
                        actual,
                        kid,
                        jti,
                        sub,
                        sid,
                        fam,
                        issuedAt,
                        exp.toInstant(),
                        list(c, CLAIM_ROLES),
                        list(c, CLAIM_PERMISSIONS),
                        list(c, CLAIM_AMR),
                        authTime(c)),
                Math.max(iat.getTime(), nbf == null ? Long.MIN_VALUE : nbf.getTime()));
    }

    /** {@code auth_time}, when present (tokens issued before it existed have none). */
    private static Optional<Instant> authTime(JWTClaimsSet c) {
        Object v = c.getClaim(CLAIM_AUTH_TIME);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float) {
            throw reject(RejectReason.MISSING_CLAIM, CLAIM_AUTH_TIME + " is not a whole number");
        }
        return Optional.of(Instant.ofEpochSecond(n.longValue()));
    }

    private static String string(JWTClaimsSet c, String name) {
        try {
            return c.getStringClaim(name);
        } catch (ParseException e) {
            throw reject(RejectReason.MISSING_CLAIM, name + " is not a string");
        }
    }

    private static List<String> list(JWTClaimsSet c, String name) {
        try {
            List<String> l = c.getStringListClaim(name);
            return l == null ? List.of() : l;
        } catch (ParseException e) {
            throw reject(RejectReason.MISSING_CLAIM, name + " is not a list of strings");
        }
    }

    static TokenRejectedException reject(RejectReason reason, String detail) {
        return new TokenRejectedException(reason, detail);
    }
}
