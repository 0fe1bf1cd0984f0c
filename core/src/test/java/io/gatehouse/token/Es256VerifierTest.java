package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Bouncy Castle ES256 verifier against Nimbus's (the JDK's ECDSA underneath), verdict for verdict:
 * signatures from every signer we have, the same signatures corrupted at random (seeded), and the edge
 * cases an ECDSA verifier must refuse (r or s zero or not below the order, wrong lengths, crit headers).
 */
class Es256VerifierTest {
    private static final ECKey KEY = generate(Curve.P_256);
    private static final ECKey OTHER = generate(Curve.P_256);
    private static final JWSHeader HEADER = new JWSHeader(JWSAlgorithm.ES256);
    private static final BigInteger N = BouncyCastleP256.DOMAIN.getN();

    private static ECKey generate(Curve curve) {
        try {
            return new ECKeyGenerator(curve).keyID("k1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Es256Verifier ours() throws Exception {
        return new Es256Verifier(KEY.toECPublicKey());
    }

    private static ECDSAVerifier nimbus() throws Exception {
        return new ECDSAVerifier(KEY.toPublicJWK());
    }

    private static byte[] input(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void agreesWithNimbusOnSignaturesOfEverySignerAndOnTheirCorruptions(long seed) throws Exception {
        Random random = new Random(seed);
        Es256Verifier ours = ours();
        ECDSAVerifier nimbus = nimbus();
        Es256Signer bc = new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.BOUNCYCASTLE);
        Es256Signer jdk = new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.JDK);
        ECDSASigner nimbusSigner = new ECDSASigner(KEY);
        for (int i = 0; i < 40; i++) {
            byte[] input = new byte[1 + random.nextInt(600)];
            random.nextBytes(input);
            Base64URL signature = switch (i % 3) {
                case 0 -> Base64URL.encode(bc.sign(input));
                case 1 -> Base64URL.encode(jdk.sign(input));
                default -> nimbusSigner.sign(HEADER, input);
            };
            assertThat(ours.verify(HEADER, input, signature))
                    .as("signature %d", i)
                    .isTrue();

            byte[] corrupted = signature.decode();
            corrupted[random.nextInt(corrupted.length)] ^= (byte) (1 << random.nextInt(8));
            byte[] otherInput = input.clone();
            otherInput[random.nextInt(otherInput.length)] ^= 1;
            for (var c : new Object[][] {
                {input, Base64URL.encode(corrupted)}, {otherInput, signature},
            }) {
                byte[] in = (byte[]) c[0];
                Base64URL sig = (Base64URL) c[1];
                assertThat(ours.verify(HEADER, in, sig))
                        .as("corruption of signature %d", i)
                        .isEqualTo(nimbus.verify(HEADER, in, sig))
                        .isFalse();
            }
        }
    }

    @Test
    void anotherKeysSignatureIsRefused() throws Exception {
        byte[] input = input("header.payload");
        Base64URL signature = new ECDSASigner(OTHER).sign(HEADER, input);

        assertThat(ours().verify(HEADER, input, signature)).isFalse();
    }

    @Test
    void rOrSOutsideOneToTheOrderIsRefused() throws Exception {
        byte[] input = input("header.payload");
        byte[] good = new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.BOUNCYCASTLE).sign(input);
        byte[] zero = new byte[32];
        byte[] order = fixed(N);
        byte[] orderPlusOne = fixed(N.add(BigInteger.ONE));
        Es256Verifier ours = ours();

        for (byte[][] parts : new byte[][][] {
            {zero, Arrays.copyOfRange(good, 32, 64)},
            {Arrays.copyOfRange(good, 0, 32), zero},
            {order, Arrays.copyOfRange(good, 32, 64)},
            {Arrays.copyOfRange(good, 0, 32), order},
            {orderPlusOne, Arrays.copyOfRange(good, 32, 64)},
            {Arrays.copyOfRange(good, 0, 32), orderPlusOne},
        }) {
            byte[] rs = new byte[64];
            System.arraycopy(parts[0], 0, rs, 0, 32);
            System.arraycopy(parts[1], 0, rs, 32, 32);
            assertThat(ours.verify(HEADER, input, Base64URL.encode(rs))).isFalse();
        }
        assertThat(ours.verify(HEADER, input, Base64URL.encode(good))).isTrue();
    }

    /** {@code value} (below 2^256) as 32 big-endian bytes. */
    private static byte[] fixed(BigInteger value) {
        byte[] b = value.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }

    @Test
    void aSignatureOfAnotherLengthOrInDerIsRefused() throws Exception {
        byte[] input = input("header.payload");
        byte[] good = new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.BOUNCYCASTLE).sign(input);
        Es256Verifier ours = ours();

        assertThat(ours.verify(HEADER, input, Base64URL.encode(Arrays.copyOf(good, 63))))
                .isFalse();
        assertThat(ours.verify(HEADER, input, Base64URL.encode(Arrays.copyOf(good, 65))))
                .isFalse();
        assertThat(ours.verify(HEADER, input, Base64URL.encode(new byte[0]))).isFalse();
        byte[] der = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(good);
        assertThat(ours.verify(HEADER, input, Base64URL.encode(der))).isFalse();
    }

    @Test
    void aHeaderWithCriticalParametersIsRefusedAsNimbusRefusesIt() throws Exception {
        byte[] input = input("header.payload");
        JWSHeader crit = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .criticalParams(Set.of("exp"))
                .customParam("exp", 1)
                .build();
        Base64URL signature = new ECDSASigner(KEY).sign(crit, input);

        assertThat(nimbus().verify(crit, input, signature)).isFalse();
        assertThat(ours().verify(crit, input, signature)).isFalse();
    }

    @Test
    void anotherAlgorithmIsAnErrorAndAnotherCurveIsRefusedAtLoad() throws Exception {
        assertThatThrownBy(() -> ours().verify(new JWSHeader(JWSAlgorithm.ES384), new byte[1], Base64URL.encode("x")))
                .hasMessageContaining("ES384");
        assertThatThrownBy(() -> new Es256Verifier(generate(Curve.P_384).toECPublicKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("P-256");
    }
}
