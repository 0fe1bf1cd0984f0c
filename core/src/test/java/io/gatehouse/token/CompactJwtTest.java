package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written JWS (CompactJwt, Es256Signer) against Nimbus's own: the same claims after parsing,
 * whatever characters the strings hold, and an ES256 signature Nimbus's verifier accepts.
 */
class CompactJwtTest {
    private static final ECKey KEY = generate();

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A string of random characters, control characters, quotes, backslashes and non-ASCII included. */
    private static String randomText(Random r) {
        String specials = "\"\\\u0000\u0001\n\r\t\u001f/<>&'\u00e9\u20ac\u2028\ud83d\ude00";
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(20);
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) {
                int at = r.nextInt(specials.length());
                char c = specials.charAt(at);
                if (Character.isHighSurrogate(c)) {
                    sb.append(c).append(specials.charAt(at + 1));
                } else if (!Character.isLowSurrogate(c)) {
                    sb.append(c);
                }
            } else {
                sb.append((char) (' ' + r.nextInt(95)));
            }
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void claimsParseAsNimbusWouldHaveWrittenThem(long seed) throws Exception {
        Random r = new Random(seed);
        String subject = randomText(r);
        List<String> roles = List.of(randomText(r), randomText(r));
        long iat = 1_700_000_000L + r.nextInt(1_000_000);
        CompactJwt.Claims ours = new CompactJwt.Claims()
                .string("iss", "https://auth.example.test")
                .string("sub", subject)
                .number("iat", iat)
                .number("iat_ms", iat * 1000 + 7)
                .strings("roles", roles)
                .strings("permissions", List.of());
        JWTClaimsSet nimbus = new JWTClaimsSet.Builder()
                .issuer("https://auth.example.test")
                .subject(subject)
                .issueTime(new Date(iat * 1000))
                .claim("iat_ms", iat * 1000 + 7)
                .claim("roles", roles)
                .claim("permissions", List.of())
                .build();

        String jwt =
                CompactJwt.sign(header(), ours, new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.BOUNCYCASTLE));

        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getJWTClaimsSet().toJSONObject()).isEqualTo(nimbus.toJSONObject());
        assertThat(parsed.verify(new ECDSAVerifier(KEY.toPublicJWK()))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Es256Signer.Engine.class)
    void signaturesVerifyFromManyThreadsSharingOneSigner(Es256Signer.Engine engine) throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey(), engine);
        ECDSAVerifier verifier = new ECDSAVerifier(KEY.toPublicJWK());
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<String> tokens = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        tokens.add(CompactJwt.sign(
                                header(), new CompactJwt.Claims().string("sub", "u" + id + "-" + i), signer));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(tokens).hasSize(400);
        for (String token : tokens) {
            assertThat(SignedJWT.parse(token).verify(verifier)).isTrue();
        }
    }

    private static CompactJwt.Header header() {
        return new CompactJwt.Header(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID("k1")
                .build());
    }
}
