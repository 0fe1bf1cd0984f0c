package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rejection reason of verification, each from a token crafted to fail exactly that check, on the
 * in-memory store and every Redis topology. Tokens that must fail on claims are signed with the
 * service's real key, so only the claim is wrong.
 */
class TokenVerificationContractTest extends StoreContract {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TokenService tokens;
    private SigningKey key;

    @BeforeEach
    void start() {
        GatehouseConfig.Builder b =
                backend.configBuilder().dataDir(dataDir).set("gatehouse.tokens.revocation.read-block", "200ms");
        TokenService.Builder tb = TokenService.builder().config(b.build()).clock(clock);
        if (backend.isRedis()) {
            tb.stores(backend.stores());
        }
        tokens = tb.build();
        key = ((DefaultTokenService) tokens).keyManager().active();
    }

    @AfterEach
    void stop() {
        tokens.close();
    }

    private RejectReason reasonOf(String token) {
        try {
            tokens.verify(token);
        } catch (TokenRejectedException e) {
            assertThat(e.getMessage()).doesNotContain(token.length() > 20 ? token : "\u0000");
            return e.reason();
        }
        throw new AssertionError("token was accepted");
    }

    private JWTClaimsSet.Builder goodClaims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(tokens.issuer())
                .audience("gatehouse")
                .subject("user-1")
                .jwtID(TokenCodec.randomId())
                .claim("sid", "sess-1")
                .claim("fam", "fam-1")
                .claim("token_use", "access")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    private String signed(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JWSHeader.Builder ourHeader() {
        return new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.kid());
    }

    private String withOurKey(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder c = goodClaims();
        change.accept(c);
        return signed(ourHeader().build(), c.build(), key.signer());
    }

    @Test
    void aCorrectlyCraftedTokenIsAccepted() {
        // the control: the crafting below differs from this only in the one thing each test breaks
        assertThat(tokens.verify(withOurKey(c -> {})).subject()).isEqualTo("user-1");
    }

    @Test
    void malformedInput() {
        for (String bad : List.of(
                "",
                "abc",
                "a.b",
                "a.b.c.d.e",
                "!!!.???.###",
                "e30.e30.e30",
                Base64URL.encode("hello").toString() + ".e30.c2ln",
                "eyJhbGciOiJFUzI1NiJ9..",
                "..",
                "a b.c.d")) {
            assertThat(reasonOf(bad)).as(bad).isEqualTo(RejectReason.MALFORMED);
        }
    }

    @Test
    void inputOfAnySizeIsRefusedCleanly() {
        assertThat(reasonOf("a".repeat(10_000_000))).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(reasonOf("x".repeat(8193))).isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void aNonCanonicalSpellingOfAValidTokenIsRejected() {
        String real = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
        // An ES256 signature is 64 bytes: 86 base64url characters whose last one has 4 unused bits.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = real.charAt(real.length() - 1);
        String variant = real.substring(0, real.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String sig = real.substring(real.lastIndexOf('.') + 1);
        String variantSig = variant.substring(variant.lastIndexOf('.') + 1);
        assertThat(new Base64URL(variantSig).decode()).isEqualTo(new Base64URL(sig).decode());
        assertThat(reasonOf(variant)).isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void randomGarbageIsAlwaysARejectionNeverAnotherException() {
        long seed = System.nanoTime();
        System.out.println("randomGarbage seed=" + seed);
        Random random = new Random(seed);
        String real = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
        for (int i = 0; i < 300; i++) {
            String candidate;
            switch (i % 3) {
                case 0 -> { // random bytes of random length
                    byte[] b = new byte[random.nextInt(12_000)];
                    random.nextBytes(b);
                    candidate = new String(b, StandardCharsets.ISO_8859_1);
                }
                case 1 -> { // base64url-looking parts
                    StringBuilder sb = new StringBuilder();
                    int parts = 1 + random.nextInt(5);
                    for (int p = 0; p < parts; p++) {
                        byte[] b = new byte[random.nextInt(400)];
                        random.nextBytes(b);
                        sb.append(p > 0 ? "." : "").append(Base64URL.encode(b));
                    }
                    candidate = sb.toString();
                }
                default -> { // a real token with one character flipped
                    char[] c = real.toCharArray();
                    int at = random.nextInt(c.length);
                    c[at] = c[at] == 'A' ? 'B' : 'A';
                    candidate = new String(c);
                }
            }
            String token = candidate;
            if (token.equals(real)) {
                continue;
            }
            try {
                tokens.verify(token);
                throw new AssertionError("seed " + seed + ": garbage accepted: " + i);
            } catch (TokenRejectedException e) {
                assertThat(e.reason()).as("seed " + seed).isNotNull();
            }
        }
    }

    @Test
    void algNoneIsRefused() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + key.kid() + "\"}")
                .toString();
        String claims = Base64URL.encode(goodClaims().build().toString()).toString();

        assertThat(reasonOf(header + "." + claims + ".")).isEqualTo(RejectReason.UNSIGNED);
        String noneUpper = Base64URL.encode("{\"alg\":\"NONE\"}").toString();
        assertThat(reasonOf(noneUpper + "." + claims + ".")).isEqualTo(RejectReason.UNSIGNED);
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        // The classic key confusion: HS256 with our published public key as the HMAC secret.
        JWK published = JWKSet.parse(tokens.jwks()).getKeyByKeyId(key.kid());
        byte[] secret = ((ECKey) published).toECPublicKey().getEncoded();
        String forged = signed(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .keyID(key.kid())
                        .build(),
                goodClaims().build(),
                new MACSigner(secret));

        assertThat(reasonOf(forged)).isEqualTo(RejectReason.ALGORITHM_NOT_ALLOWED);
        String hs512 = signed(
                new JWSHeader.Builder(JWSAlgorithm.HS512).keyID(key.kid()).build(),
                goodClaims().build(),
                new MACSigner(new byte[64]));
        assertThat(reasonOf(hs512)).isEqualTo(RejectReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void anAlgorithmOtherThanTheKeysIsRefused() throws Exception {
        var rsa = new RSAKeyGenerator(2048).generate();
        String rs256 = signed(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .keyID(key.kid())
                        .build(),
                goodClaims().build(),
                new RSASSASigner(rsa));

        assertThat(reasonOf(rs256)).isEqualTo(RejectReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void aTypeOtherThanJwtIsRefused() {
        String token = signed(
                ourHeader().type(new JOSEObjectType("JOSE+JSON")).build(),
                goodClaims().build(),
                key.signer());

        assertThat(reasonOf(token)).isEqualTo(RejectReason.WRONG_TYPE);
    }

    @Test
    void missingOrUnknownKidIsRefused() throws Exception {
        ECKey foreign = new ECKeyGenerator(Curve.P_256).generate();
        String noKid = signed(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                goodClaims().build(),
                new ECDSASigner(foreign));
        String unknown = signed(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k0-unknown").build(),
                goodClaims().build(),
                new ECDSASigner(foreign));

        assertThat(reasonOf(noKid)).isEqualTo(RejectReason.UNKNOWN_KEY);
        assertThat(reasonOf(unknown)).isEqualTo(RejectReason.UNKNOWN_KEY);
    }

    @Test
    void aSignatureByAnotherKeyOrOverChangedClaimsIsRefused() throws Exception {
        ECKey foreign = new ECKeyGenerator(Curve.P_256).generate();
        String otherKey = signed(ourHeader().build(), goodClaims().build(), new ECDSASigner(foreign));
        String real = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
        String[] parts = real.split("\\.");
        String escalated = parts[0] + "."
                + Base64URL.encode(new String(new Base64URL(parts[1]).decode(), StandardCharsets.UTF_8)
                        .replace("\"roles\":[]", "\"roles\":[\"admin\"]"))
                + "." + parts[2];

        assertThat(reasonOf(otherKey)).isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(escalated).isNotEqualTo(real);
        assertThat(reasonOf(escalated)).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() {
        assertThat(reasonOf(withOurKey(c -> c.issuer(tokens.issuer() + "/")))).isEqualTo(RejectReason.WRONG_ISSUER);
        assertThat(reasonOf(withOurKey(c -> c.issuer(null)))).isEqualTo(RejectReason.WRONG_ISSUER);
        assertThat(reasonOf(withOurKey(c -> c.audience("someone-else")))).isEqualTo(RejectReason.WRONG_AUDIENCE);
        assertThat(reasonOf(withOurKey(c -> c.audience((String) null)))).isEqualTo(RejectReason.WRONG_AUDIENCE);
        assertThat(tokens.verify(withOurKey(c -> c.audience(List.of("other", "gatehouse"))))
                        .subject())
                .isEqualTo("user-1");
    }

    @Test
    void expiryHonoursTheClockSkew() {
        String token = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();

        clock.advance(Duration.ofMinutes(15).plusSeconds(20)); // expired, but within the 30 s skew
        assertThat(tokens.verify(token).subject()).isEqualTo("user-1");
        clock.advance(Duration.ofSeconds(11));
        assertThat(reasonOf(token)).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void aTokenAnsweredFromTheVerificationCacheIsStillCheckedAgainstTheClockAndAChangedCopyIsVerifiedInFull() {
        String token = tokens.issue(TokenRequest.of("user-1", "sess-1")).accessToken();
        assertThat(tokens.verify(token).subject()).isEqualTo("user-1"); // verified in full, now cached
        assertThat(tokens.verify(token).subject()).isEqualTo("user-1"); // from the cache

        // One character of the signature changed: another string, so a miss, verified and refused.
        int i = token.length() - 10;
        String tampered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        assertThat(reasonOf(tampered)).isIn(RejectReason.BAD_SIGNATURE, RejectReason.MALFORMED);

        // The cached entry still answers to the clock: before iat (beyond the skew) and after exp.
        clock.advance(Duration.ofMinutes(-2));
        assertThat(reasonOf(token)).isEqualTo(RejectReason.NOT_YET_VALID);
        clock.advance(Duration.ofMinutes(2).plus(Duration.ofMinutes(16)));
        assertThat(reasonOf(token)).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void withTheVerificationCacheOffTheAnswersAreTheSame() {
        GatehouseConfig.Builder b = backend.configBuilder()
                .dataDir(dataDir)
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.tokens.verify-cache-size", "0");
        TokenService.Builder tb = TokenService.builder().config(b.build()).clock(clock);
        if (backend.isRedis()) {
            tb.stores(backend.stores());
        }
        try (TokenService uncached = tb.build()) {
            String token = uncached.issue(TokenRequest.of("user-9", "sess-9")).accessToken();
            assertThat(uncached.verify(token).subject()).isEqualTo("user-9");
            assertThat(uncached.verify(token).subject()).isEqualTo("user-9");
            clock.advance(Duration.ofMinutes(16));
            assertThatThrownBy(() -> uncached.verify(token))
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.EXPIRED));
        }
    }

    @Test
    void tokensFromTheFutureAreRefusedBeyondTheSkew() {
        Instant future = clock.instant().plus(Duration.ofMinutes(2));
        assertThat(reasonOf(withOurKey(c -> c.issueTime(Date.from(future))))).isEqualTo(RejectReason.NOT_YET_VALID);
        assertThat(reasonOf(withOurKey(c -> c.notBeforeTime(Date.from(future)))))
                .isEqualTo(RejectReason.NOT_YET_VALID);
        Instant nearFuture = clock.instant().plusSeconds(20);
        assertThat(tokens.verify(withOurKey(c -> c.issueTime(Date.from(nearFuture))))
                        .subject())
                .isEqualTo("user-1");
    }

    @Test
    void missingOrMistypedClaimsAreRefused() {
        assertThat(reasonOf(withOurKey(c -> c.claim("sid", null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.claim("fam", null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.subject(null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.jwtID(null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.expirationTime(null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.claim("token_use", null)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.claim("roles", 42)))).isEqualTo(RejectReason.MISSING_CLAIM);
        assertThat(reasonOf(withOurKey(c -> c.claim("sid", 7)))).isEqualTo(RejectReason.MISSING_CLAIM);
    }

    @Test
    void aRefreshTokenIsNotAnAccessTokenAndTheReverse() {
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));

        assertThat(reasonOf(pair.refreshToken())).isEqualTo(RejectReason.WRONG_TOKEN_USE);
        TokenRejectedException e = null;
        try {
            tokens.refresh(pair.accessToken());
        } catch (TokenRejectedException x) {
            e = x;
        }
        assertThat(e).isNotNull().extracting(TokenRejectedException::reason).isEqualTo(RejectReason.WRONG_TOKEN_USE);
    }

    @Test
    void revokedTokensAreRefusedWithTheirKind() {
        TokenPair a = tokens.issue(TokenRequest.of("user-1", "sess-a"));
        TokenPair b = tokens.issue(TokenRequest.of("user-2", "sess-b"));
        TokenPair c = tokens.issue(TokenRequest.of("user-3", "sess-c"));
        TokenPair d = tokens.issue(TokenRequest.of("user-4", "sess-d"));
        Instant until = clock.instant().plus(Duration.ofDays(1));
        VerifiedToken ta = tokens.verify(a.accessToken());

        tokens.revokeToken(ta.tokenId(), ta.expiresAt(), "t");
        tokens.revokeSession("sess-b", "s", until);
        tokens.revokeFamily(c.familyId(), "f");
        tokens.revokeUser("user-4", "u");

        assertThat(reasonOf(a.accessToken())).isEqualTo(RejectReason.REVOKED_TOKEN);
        assertThat(reasonOf(b.accessToken())).isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(reasonOf(c.accessToken())).isEqualTo(RejectReason.REVOKED_FAMILY);
        assertThat(reasonOf(d.accessToken())).isEqualTo(RejectReason.REVOKED_USER);
    }

    @Test
    void aRefreshTokenOfAnUnknownFamilyIsRefused() {
        JWTClaimsSet claims = goodClaims()
                .claim("token_use", "refresh")
                .claim("fam", "never-stored")
                .build();
        String token = signed(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(TokenCodec.REFRESH_TYPE)
                        .keyID(key.kid())
                        .build(),
                claims,
                key.macSigner());

        TokenRejectedException e = null;
        try {
            tokens.refresh(token);
        } catch (TokenRejectedException x) {
            e = x;
        }
        assertThat(e).isNotNull().extracting(TokenRejectedException::reason).isEqualTo(RejectReason.REFRESH_UNKNOWN);
    }
}
