package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both ES256 engines against independent verifiers: the JDK's own ECDSA verification and Nimbus's
 * JWS verifier. Inputs are seeded; the signatures are not (k is random by design), so each engine signs
 * enough of them that an r or s shorter than 32 bytes (about 1 in 128 signatures) comes up, the case
 * a wrong left-padding of the fixed-width r||s would get wrong.
 */
class Es256SignerTest {
    private static final ECKey KEY = generate(Curve.P_256);

    private static ECKey generate(Curve curve) {
        try {
            return new ECKeyGenerator(curve).keyID("k1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Es256Signer.Engine.class)
    void everySignatureVerifiesWithTheJdkAndATamperedInputDoesNot(Es256Signer.Engine engine) throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey(), engine);
        Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            byte[] input = new byte[random.nextInt(700)];
            random.nextBytes(input);

            byte[] signature = signer.sign(input);

            assertThat(signature).hasSize(64);
            jdk.initVerify(KEY.toECPublicKey());
            jdk.update(input);
            assertThat(jdk.verify(signature)).as("signature %d", i).isTrue();
            byte[] tampered = Arrays.copyOf(input, input.length + 1);
            jdk.initVerify(KEY.toECPublicKey());
            jdk.update(tampered);
            assertThat(jdk.verify(signature))
                    .as("signature %d over another input", i)
                    .isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Es256Signer.Engine.class)
    void aJwsItSignsVerifiesWithNimbus(Es256Signer.Engine engine) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"u1\"}"));

        jws.sign(new Es256Signer(KEY.toECPrivateKey(), engine));

        assertThat(JWSObject.parse(jws.serialize()).verify(new ECDSAVerifier(KEY.toPublicJWK())))
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(Es256Signer.Engine.class)
    void theSameInputSignedTwiceGivesTwoSignatures(Es256Signer.Engine engine) throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey(), engine);
        byte[] input = "header.payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        // a fresh k per signature: a repeated k would give away the private key
        assertThat(signer.sign(input)).isNotEqualTo(signer.sign(input));
    }

    @ParameterizedTest
    @EnumSource(Es256Signer.Engine.class)
    void onlyAP256KeySigns(Es256Signer.Engine engine) throws Exception {
        ECKey p384 = generate(Curve.P_384);

        assertThatThrownBy(() -> new Es256Signer(p384.toECPrivateKey(), engine))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("P-256");
    }

    @Test
    void anotherAlgorithmInTheHeaderIsRefused() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey(), Es256Signer.Engine.BOUNCYCASTLE);

        assertThatThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[1]))
                .hasMessageContaining("ES384");
    }
}
