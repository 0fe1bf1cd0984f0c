package io.gatehouse.token;

import com.nimbusds.jose.JWSAlgorithm;

/** The asymmetric algorithm that signs access tokens ({@code gatehouse.tokens.algorithm}). */
public enum SigningAlgorithm {
    /** ECDSA on P-256 with SHA-256: small keys and signatures, the default. */
    ES256(JWSAlgorithm.ES256),
    /** RSASSA-PKCS1-v1_5 with SHA-256 and 2048-bit keys: the most widely supported. */
    RS256(JWSAlgorithm.RS256),
    /** Ed25519 (JOSE {@code EdDSA}, RFC 8037). */
    EDDSA(JWSAlgorithm.EdDSA);

    private final JWSAlgorithm jws;

    SigningAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    JWSAlgorithm jws() {
        return jws;
    }

    static SigningAlgorithm ofJws(String name) {
        for (SigningAlgorithm a : values()) {
            if (a.jws.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
