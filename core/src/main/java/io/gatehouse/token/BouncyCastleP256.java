package io.gatehouse.token;

import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/*
 * The P-256 curve as Bouncy Castle computes on it (its custom field arithmetic for secp256r1), shared
 * by the ES256 signer and verifier of the bouncycastle engine (docs/TOKENS.md, "Signing engine").
 *
 * One instance for the process: the precomputed tables of a point (the comb table of the generator for
 * signing, the window tables of a public key for verifying) are attached to that point object when first
 * needed, so every later operation on the same objects reuses them.
 */
final class BouncyCastleP256 {
    static final ECDomainParameters DOMAIN = domain();

    private BouncyCastleP256() {}

    private static ECDomainParameters domain() {
        X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
        return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
    }

    /** The key's curve has P-256's order and field size (a JWK may name any curve). */
    static boolean isP256(ECKey key) {
        return key.getParams().getOrder().equals(DOMAIN.getN())
                && key.getParams().getCurve().getField().getFieldSize() == 256;
    }

    /** The public key as a validated Bouncy Castle point: on the curve, not the point at infinity. */
    static ECPublicKeyParameters publicKey(ECPublicKey key) {
        if (!isP256(key)) {
            throw new IllegalArgumentException("not a P-256 public key: ES256 verifies with P-256 only");
        }
        return new ECPublicKeyParameters(
                DOMAIN.getCurve()
                        .createPoint(key.getW().getAffineX(), key.getW().getAffineY()),
                DOMAIN); // the constructor validates the point
    }
}
