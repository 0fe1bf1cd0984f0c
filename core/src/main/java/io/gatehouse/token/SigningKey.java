package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generation of the key set: an asymmetric key pair that signs access tokens (published in the
 * JWKS; it also signs refresh tokens by default) and a 256-bit MAC secret that signs refresh tokens in
 * the optional {@code hmac} mode (never published). Both carry the same {@code kid}. Signers and
 * verifiers are built once and are thread-safe.
 */
final class SigningKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String kid;
    private final SigningAlgorithm algorithm;
    private final Instant created;
    private final JWK pair;
    private final byte[] mac;
    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final JWSSigner macSigner;
    private final JWSVerifier macVerifier;
    /** The protected headers this key signs with, built and encoded once: access, refresh, MACed refresh. */
    private final CompactJwt.Header accessHeader;

    private final CompactJwt.Header refreshHeader;
    private final CompactJwt.Header macRefreshHeader;

    private SigningKey(
            String kid, SigningAlgorithm algorithm, Instant created, JWK pair, byte[] mac, Es256Signer.Engine engine) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.created = created;
        this.pair = pair;
        this.mac = mac.clone();
        try {
            switch (algorithm) {
                case ES256 -> {
                    signer = new Es256Signer((ECPrivateKey) pair.toECKey().toPrivateKey(), engine);
                    verifier = engine == Es256Signer.Engine.BOUNCYCASTLE
                            ? new Es256Verifier(pair.toECKey().toECPublicKey())
                            : new ECDSAVerifier(pair.toECKey().toPublicJWK());
                }
                case RS256 -> {
                    signer = new RSASSASigner(pair.toRSAKey());
                    verifier = new RSASSAVerifier(pair.toRSAKey().toPublicJWK());
                }
                case EDDSA -> {
                    signer = JdkEd25519.signer(pair.toOctetKeyPair());
                    verifier = JdkEd25519.verifier(pair.toOctetKeyPair());
                }
                default -> throw new IllegalStateException("unknown algorithm " + algorithm);
            }
            macSigner = new MACSigner(this.mac);
            macVerifier = new MACVerifier(this.mac);
            accessHeader = header(algorithm.jws(), JOSEObjectType.JWT);
            refreshHeader = header(algorithm.jws(), TokenCodec.REFRESH_TYPE);
            macRefreshHeader = header(JWSAlgorithm.HS256, TokenCodec.REFRESH_TYPE);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key " + kid + " cannot be used: " + e.getMessage(), e);
        }
    }

    private CompactJwt.Header header(JWSAlgorithm alg, JOSEObjectType type) {
        return new CompactJwt.Header(
                new JWSHeader.Builder(alg).type(type).keyID(kid).build());
    }

    /** A new key of {@code algorithm}; an ES256 one signs with {@code engine}. */
    static SigningKey generate(SigningAlgorithm algorithm, Instant now, Es256Signer.Engine engine) {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        String kid = "k" + now.getEpochSecond() + "-" + Base64URL.encode(id);
        byte[] mac = new byte[32];
        RANDOM.nextBytes(mac);
        try {
            JWK pair = switch (algorithm) {
                case ES256 ->
                    new ECKeyGenerator(Curve.P_256)
                            .keyID(kid)
                            .algorithm(JWSAlgorithm.ES256)
                            .keyUse(KeyUse.SIGNATURE)
                            .generate();
                case RS256 ->
                    new RSAKeyGenerator(2048)
                            .keyID(kid)
                            .algorithm(JWSAlgorithm.RS256)
                            .keyUse(KeyUse.SIGNATURE)
                            .generate();
                case EDDSA -> JdkEd25519.generate(kid);
            };
            return new SigningKey(kid, algorithm, now, pair, mac, engine);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
    }

    String kid() {
        return kid;
    }

    SigningAlgorithm algorithm() {
        return algorithm;
    }

    Instant created() {
        return created;
    }

    JWSSigner signer() {
        return signer;
    }

    JWSVerifier verifier() {
        return verifier;
    }

    JWSSigner macSigner() {
        return macSigner;
    }

    /** The header of a token of {@code use} signed by this key (with its MAC secret when {@code mac}). */
    CompactJwt.Header header(TokenUse use, boolean mac) {
        if (use == TokenUse.ACCESS) {
            return accessHeader;
        }
        return mac ? macRefreshHeader : refreshHeader;
    }

    JWSVerifier macVerifier() {
        return macVerifier;
    }

    /** The public JWK (kid, alg, use) as published in the JWKS. */
    Map<String, Object> publicJwk() {
        return pair.toPublicJWK().toJSONObject();
    }

    // ---- persistence: {"kid","alg","created","secret":{"jwk":{...},"mac":"..."}} or "sealed" instead of "secret"

    /** The stored form; the secret part is sealed with {@code encryptionKey} when one is configured. */
    String toRecord(byte[] encryptionKey) {
        Map<String, Object> secret = new LinkedHashMap<>();
        secret.put("jwk", pair.toJSONObject());
        secret.put("mac", Base64URL.encode(mac).toString());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("kid", kid);
        record.put("alg", algorithm.jws().getName());
        record.put("created", created.toEpochMilli());
        if (encryptionKey == null) {
            record.put("secret", secret);
        } else {
            record.put(
                    "sealed",
                    SealedBox.seal(encryptionKey, JSONObjectUtils.toJSONString(secret), "gatehouse-key:" + kid));
        }
        return JSONObjectUtils.toJSONString(record);
    }

    /** Reads a stored key; {@code encryptionKey} is needed for sealed records; an ES256 key signs with {@code engine}. */
    static SigningKey fromRecord(String record, byte[] encryptionKey, Es256Signer.Engine engine) {
        try {
            Map<String, Object> r = JSONObjectUtils.parse(record);
            String kid = JSONObjectUtils.getString(r, "kid");
            SigningAlgorithm alg = SigningAlgorithm.ofJws(JSONObjectUtils.getString(r, "alg"));
            if (kid == null || alg == null) {
                throw new IllegalArgumentException("a stored key has no kid or an unknown alg");
            }
            Instant created = Instant.ofEpochMilli(JSONObjectUtils.getLong(r, "created"));
            Map<String, Object> secret;
            if (r.containsKey("sealed")) {
                if (encryptionKey == null) {
                    throw new IllegalArgumentException("key " + kid + " is encrypted at rest but "
                            + TokenSettings.PREFIX + "keys.encryption-key is not set");
                }
                secret = JSONObjectUtils.parse(
                        SealedBox.open(encryptionKey, JSONObjectUtils.getString(r, "sealed"), "gatehouse-key:" + kid));
            } else {
                secret = JSONObjectUtils.getJSONObject(r, "secret");
            }
            JWK pair = JWK.parse(JSONObjectUtils.getJSONObject(secret, "jwk"));
            boolean matches = switch (alg) {
                case ES256 -> pair instanceof ECKey;
                case RS256 -> pair instanceof RSAKey;
                case EDDSA -> pair instanceof OctetKeyPair;
            };
            if (!matches || !pair.isPrivate()) {
                throw new IllegalArgumentException("stored key " + kid + " is not a private " + alg + " key");
            }
            byte[] mac = new Base64URL(JSONObjectUtils.getString(secret, "mac")).decode();
            return new SigningKey(kid, alg, created, pair, mac, engine);
        } catch (ParseException e) {
            throw new IllegalArgumentException("a stored key is not valid JSON: " + e.getMessage());
        }
    }

    /** The kid and creation instant of a record, readable without the encryption key. */
    static String kidOf(String record) {
        try {
            return JSONObjectUtils.getString(JSONObjectUtils.parse(record), "kid");
        } catch (ParseException e) {
            throw new IllegalArgumentException("a stored key is not valid JSON: " + e.getMessage());
        }
    }

    static Instant createdOf(String record) {
        try {
            return Instant.ofEpochMilli(JSONObjectUtils.getLong(JSONObjectUtils.parse(record), "created"));
        } catch (ParseException e) {
            throw new IllegalArgumentException("a stored key is not valid JSON: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + kid + " " + algorithm + " created " + created + "]";
    }
}
