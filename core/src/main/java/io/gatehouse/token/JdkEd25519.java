package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/*
 * Ed25519 (JOSE "EdDSA") with the JDK's own implementation (java.security, since JDK 15).
 *
 * Nimbus's Ed25519Signer/Ed25519Verifier delegate to Google Tink, which would bring Tink and
 * protobuf-java (several MB) into every application embedding Gatehouse for one algorithm the JDK
 * already has. These two small adapters plug the JDK's Signature("Ed25519") into Nimbus's JWS
 * interfaces instead; keys travel as Nimbus OctetKeyPair JWKs (RFC 8037), so JWKS output and parsing
 * stay Nimbus's.
 */
final class JdkEd25519 {
    /** DER prefixes of the fixed-size X.509 and PKCS#8 encodings of Ed25519 keys (RFC 8410). */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private JdkEd25519() {}

    static OctetKeyPair generate(String kid) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = kp.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            byte[] d = ((EdECPrivateKey) kp.getPrivate())
                    .getBytes()
                    .orElseThrow(
                            () -> new IllegalStateException("the JDK did not expose the Ed25519 private key bytes"));
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                    .d(Base64URL.encode(d))
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.EdDSA)
                    .keyUse(KeyUse.SIGNATURE)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required by the JDK", e);
        }
    }

    static JWSSigner signer(OctetKeyPair key) {
        try {
            PrivateKey priv = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, key.getDecodedD())));
            return new Signer(priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key", e);
        }
    }

    static JWSVerifier verifier(OctetKeyPair key) {
        try {
            PublicKey pub = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, key.getDecodedX())));
            return new Verifier(pub);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static final class Signer extends BaseJWSProvider implements JWSSigner {
        private final PrivateKey key;

        Signer(PrivateKey key) {
            super(Set.of(JWSAlgorithm.EdDSA));
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("Ed25519 key cannot sign " + header.getAlgorithm());
            }
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(signingInput);
                return Base64URL.encode(s.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
            }
        }
    }

    private static final class Verifier extends BaseJWSProvider implements JWSVerifier {
        private final PublicKey key;

        Verifier(PublicKey key) {
            super(Set.of(JWSAlgorithm.EdDSA));
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(signedContent);
                return s.verify(signature.decode());
            } catch (java.security.SignatureException e) {
                return false;
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 verification failed", e);
            }
        }
    }
}
