package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh does not verify the presented token's signature when the rotation script matches its hash
 * with one we stored. These tests make sure that shortcut never lets a forged token act: forged tokens
 * that copy a real refresh token's claims (its family, its jti, its session) are refused with the same
 * reason {@code verify} gives, and change nothing: no reuse alarm, no revocation, and the real chain
 * goes on. On the in-memory store and every Redis topology, in both refresh-signing modes.
 */
class RefreshForgeryContractTest extends StoreContract {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final RecordingListener events = new RecordingListener();
    private final List<TokenService> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(TokenService::close);
    }

    private TokenService service(String signing) {
        TokenService s = TestTokenServices.on(
                backend,
                dataDir.resolve(signing),
                clock,
                events,
                Map.of("gatehouse.tokens.refresh.format", "jwt", "gatehouse.tokens.refresh.signing", signing));
        services.add(s);
        return s;
    }

    /** Forgeries with exactly the claims (family, jti, session, subject) and header of a real refresh token. */
    private static Map<String, String> forgeriesOf(String realRefreshToken, String ourKid) throws Exception {
        SignedJWT real = SignedJWT.parse(realRefreshToken);
        JWTClaimsSet claims = real.getJWTClaimsSet();
        Map<String, String> forged = new LinkedHashMap<>();
        JWSSigner stranger = new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate());
        forged.put(
                "signed by another EC key under our kid",
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.ES256)
                                .type(TokenCodec.REFRESH_TYPE)
                                .keyID(ourKid)
                                .build(),
                        claims,
                        stranger));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        forged.put(
                "HS256 with a guessed secret under our kid",
                sign(
                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .type(TokenCodec.REFRESH_TYPE)
                                .keyID(ourKid)
                                .build(),
                        claims,
                        new MACSigner(secret)));
        String[] parts = realRefreshToken.split("\\.");
        byte[] sig = Base64URL.from(parts[2]).decode();
        sig[sig.length / 2] ^= 0x01;
        forged.put(
                "the real token with one signature bit flipped",
                parts[0] + "." + parts[1] + "." + Base64URL.encode(sig));
        forged.put("the real header and claims without a signature", parts[0] + "." + parts[1] + ".");
        forged.put(
                "alg none",
                Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1]
                        + ".");
        return forged;
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private void assertForgeriesChangeNothing(TokenService tokens, String realToken, String phase) throws Exception {
        long revocationsBefore = tokens.revocationStats().total();
        int eventsBefore = events.revoked.size();
        forgeriesOf(realToken, tokens.activeKeyId()).forEach((what, forged) -> {
            assertThat(forged).isNotEqualTo(realToken);
            assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(forged)))
                    .as(phase + ": " + what)
                    .isIn(RejectReason.BAD_SIGNATURE, RejectReason.UNSIGNED, RejectReason.MALFORMED);
        });
        assertThat(events.reuses).as(phase + ": no reuse alarm").isEmpty();
        assertThat(events.revoked).as(phase + ": nothing revoked").hasSize(eventsBefore);
        assertThat(tokens.revocationStats().total())
                .as(phase + ": nothing revoked")
                .isEqualTo(revocationsBefore);
    }

    private void forgeriesOfARealFamilyAndJtiRevokeNothing(String signing) throws Exception {
        TokenService tokens = service(signing);
        TokenPair first = tokens.issue(TokenRequest.of("user-1", "sess-1"));

        // the family's current token: a forgery must not rotate it, nor mark anything
        assertForgeriesChangeNothing(tokens, first.refreshToken(), "current");
        TokenPair second = tokens.refresh(first.refreshToken());

        // the retired token inside its grace window, then long after it (where the real one would be reuse)
        assertForgeriesChangeNothing(tokens, first.refreshToken(), "retired, in grace");
        clock.advance(Duration.ofMinutes(1));
        assertForgeriesChangeNothing(tokens, first.refreshToken(), "retired, after grace");
        assertForgeriesChangeNothing(tokens, second.refreshToken(), "current after a rotation");

        // the real chain is intact: the current token rotates and its access token verifies
        TokenPair third = tokens.refresh(second.refreshToken());
        assertThat(tokens.verify(third.accessToken()).familyId()).isEqualTo(first.familyId());
        assertThat(events.reuses).isEmpty();
        assertThat(tokens.revocationStats().total()).isZero();
    }

    @Test
    void forgeriesOfARealFamilyAndJtiRevokeNothingWithAsymmetricRefreshTokens() throws Exception {
        forgeriesOfARealFamilyAndJtiRevokeNothing("asymmetric");
    }

    @Test
    void forgeriesOfARealFamilyAndJtiRevokeNothingWithHmacRefreshTokens() throws Exception {
        forgeriesOfARealFamilyAndJtiRevokeNothing("hmac");
    }

    @Test
    void aForgeryNamingAnAlreadyReusedFamilyRaisesNoFurtherAlarm() throws Exception {
        TokenService tokens = service("asymmetric");
        TokenPair first = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        tokens.refresh(first.refreshToken());
        clock.advance(Duration.ofSeconds(11));
        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(first.refreshToken())))
                .isEqualTo(RejectReason.REFRESH_REUSED);
        assertThat(events.reuses).hasSize(1);
        int revokedEvents = events.revoked.size();
        long revocations = tokens.revocationStats().total();

        // the family and session are revoked now: a forgery must not learn that, nor repeat the alarm
        forgeriesOf(first.refreshToken(), tokens.activeKeyId())
                .forEach((what, forged) -> assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(forged)))
                        .as(what)
                        .isIn(RejectReason.BAD_SIGNATURE, RejectReason.UNSIGNED, RejectReason.MALFORMED));

        assertThat(events.reuses).hasSize(1);
        assertThat(events.revoked).hasSize(revokedEvents);
        assertThat(tokens.revocationStats().total()).isEqualTo(revocations);
    }

    @Test
    void anAuthenticTokenTwoGenerationsOldIsStillReuse() {
        // Its hash is no longer stored, so the hash cannot vouch for it: the signature does, then reuse.
        TokenService tokens = service("asymmetric");
        TokenPair first = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair second = tokens.refresh(first.refreshToken());
        TokenPair third = tokens.refresh(second.refreshToken());

        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(first.refreshToken())))
                .isEqualTo(RejectReason.REFRESH_REUSED);

        assertThat(events.reuses).singleElement().satisfies(r -> {
            assertThat(r.familyId()).isEqualTo(first.familyId());
            assertThat(r.firstDetection()).isTrue();
        });
        assertThat(TestTokenServices.reasonOf(() -> tokens.verify(third.accessToken())))
                .isIn(RejectReason.REVOKED_FAMILY, RejectReason.REVOKED_SESSION);
    }

    @Test
    void aForgeryNamingAnUnknownFamilyOrARevokedSessionLearnsNothing() throws Exception {
        TokenService tokens = service("asymmetric");
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair revoked = tokens.issue(TokenRequest.of("user-1", "sess-2"));
        tokens.revokeSession("sess-2", "logout", clock.instant().plus(Duration.ofDays(1)));
        JWTClaimsSet unknownFamily = new JWTClaimsSet.Builder(
                        SignedJWT.parse(pair.refreshToken()).getJWTClaimsSet())
                .claim("fam", "never-stored")
                .build();
        JWSSigner stranger = new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate());
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(TokenCodec.REFRESH_TYPE)
                .keyID(tokens.activeKeyId())
                .build();

        // the real answers would be refresh_unknown and revoked_session: a forgery gets bad_signature
        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(uncheckedSign(header, unknownFamily, stranger))))
                .isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(TestTokenServices.reasonOf(
                        () -> tokens.refresh(uncheckedSign(header, claimsOf(revoked.refreshToken()), stranger))))
                .isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(revoked.refreshToken())))
                .isEqualTo(RejectReason.REVOKED_SESSION);
    }

    @Test
    void aGraceRetryReturnsTheSameAuthenticSuccessorInBothModes() throws Exception {
        for (String signing : List.of("asymmetric", "hmac")) {
            TokenService tokens = service(signing);
            TokenPair first = tokens.issue(TokenRequest.of("user-1", "sess-" + signing));
            TokenPair rotated = tokens.refresh(first.refreshToken());
            clock.advance(Duration.ofSeconds(3));

            TokenPair retry = tokens.refresh(first.refreshToken());

            assertThat(retry.refreshToken()).as(signing).isEqualTo(rotated.refreshToken());
            assertThat(retry.refreshExpiresAt()).as(signing).isEqualTo(rotated.refreshExpiresAt());
            assertThat(tokens.verifyRefresh(retry.refreshToken()).familyId()).isEqualTo(first.familyId());
            assertThat(SignedJWT.parse(retry.refreshToken()).getHeader().getAlgorithm())
                    .isEqualTo("hmac".equals(signing) ? JWSAlgorithm.HS256 : JWSAlgorithm.ES256);
        }
        assertThat(events.reuses).isEmpty();
    }

    private static JWTClaimsSet claimsOf(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static String uncheckedSign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            return sign(header, claims, signer);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
