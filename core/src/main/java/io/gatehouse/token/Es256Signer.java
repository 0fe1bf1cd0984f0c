package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.util.BigIntegers;

/*
 * ES256 (ECDSA on P-256 with SHA-256, RFC 7518 3.4), with its engines kept ready between signatures.
 *
 * Nimbus's ECDSASigner looks the JDK engine up, initialises it with the key and a fresh SecureRandom
 * (whose seeding is not free), and converts the JDK's DER signature to JOSE's r||s on every call. A
 * refresh signs one access token and does little else, so that per-call setup showed in its profile
 * (#19). Here each engine is initialised once, returns r||s directly, and goes back to a pool after
 * use: an engine is not thread-safe, hence one per concurrent signer. A pool and not a ThreadLocal,
 * because the server runs each request on a new virtual thread.
 *
 * Two engines (gatehouse.tokens.es256-engine, docs/TOKENS.md "Signing engine"):
 * - bouncycastle (the default): Bouncy Castle's ECDSA on its P-256 curve, whose k*G runs on a
 *   fixed-base comb table computed once per process. Measured on the benchmark machines at ~77 us per
 *   signature against the JDK's ~130 us (JDK 25, same thread, same inputs), and the signature is what a
 *   refresh spends most of its CPU on.
 * - jdk: the JDK's SunEC ("SHA256withECDSAinP1363Format"), for deployments whose policy admits only
 *   the JDK's providers (or a FIPS one configured in the JDK).
 * Both draw the per-signature secret k from a DRBG of their own (Randomness), and produce signatures
 * any ES256 verifier accepts (Es256SignerTest verifies each with the JDK's and Nimbus's verifiers).
 */
final class Es256Signer extends BaseJWSProvider implements JWSSigner {
    /** Which implementation computes the signatures. */
    enum Engine {
        BOUNCYCASTLE,
        JDK
    }

    /** More idle engines than this are dropped: bounded by the concurrency the process ever had. */
    private static final int MAX_IDLE = 256;

    private final ECPrivateKey key;
    private final Engine engine;
    private final ConcurrentLinkedQueue<SigningEngine> idle = new ConcurrentLinkedQueue<>();
    /** The size of {@link #idle} (its own size() walks the queue). */
    private final AtomicInteger idleCount = new AtomicInteger();

    Es256Signer(ECPrivateKey key, Engine engine) {
        super(Set.of(JWSAlgorithm.ES256));
        this.key = key;
        this.engine = engine;
        if (!BouncyCastleP256.isP256(key)) {
            throw new IllegalArgumentException("not a P-256 private key: ES256 signs with P-256 only");
        }
        SigningEngine first = newEngine(); // fails here, at key load, rather than at the first signature
        try {
            // One throwaway signature at key load: Bouncy Castle builds its comb table of the generator on
            // the first one (~80 ms cold, with the class loading), which the first login should not wait for.
            first.sign(new byte[1]);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key cannot sign ES256: " + e.getMessage(), e);
        }
        idle.add(first);
        idleCount.set(1);
    }

    private SigningEngine newEngine() {
        return switch (engine) {
            case BOUNCYCASTLE -> new BouncyCastleEngine(key.getS());
            case JDK -> new JdkEngine(key);
        };
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("an ES256 key cannot sign " + header.getAlgorithm());
        }
        return Base64URL.encode(sign(signingInput));
    }

    /** The 64-byte r||s signature of {@code signingInput}. */
    byte[] sign(byte[] signingInput) throws JOSEException {
        SigningEngine s = idle.poll();
        if (s == null) {
            s = newEngine();
        } else {
            idleCount.decrementAndGet();
        }
        byte[] signature;
        try {
            signature = s.sign(signingInput);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new JOSEException("ES256 signing failed", e); // the engine is dropped, not reused
        }
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            idle.offer(s);
        } else {
            idleCount.decrementAndGet();
        }
        return signature;
    }

    /** One signature at a time; {@link Es256Signer} pools them. */
    private interface SigningEngine {
        /** The r||s signature (32 + 32 bytes, big-endian) of SHA-256({@code input}). */
        byte[] sign(byte[] input) throws GeneralSecurityException;
    }

    /** The JDK's engine, initialised once: a JDK Signature returns to its initialised state after sign(). */
    private static final class JdkEngine implements SigningEngine {
        private final Signature signature;

        JdkEngine(ECPrivateKey key) {
            try {
                signature = Signature.getInstance("SHA256withECDSAinP1363Format");
                signature.initSign(key, Randomness.newDrbg()); // its own generator for k: see Randomness
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not a P-256 private key usable for ES256: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] sign(byte[] input) throws GeneralSecurityException {
            signature.update(input);
            return signature.sign();
        }
    }

    /** Bouncy Castle's ECDSA; the digest is the JDK's (it runs on the CPU's SHA instructions). */
    private static final class BouncyCastleEngine implements SigningEngine {
        private final MessageDigest sha256 = SealedBox.sha256();
        private final ECDSASigner ecdsa = new ECDSASigner();

        BouncyCastleEngine(BigInteger d) {
            // k from a DRBG of this engine's own (Randomness), drawn afresh for each signature.
            ecdsa.init(
                    true,
                    new ParametersWithRandom(
                            new ECPrivateKeyParameters(d, BouncyCastleP256.DOMAIN), Randomness.newDrbg()));
        }

        @Override
        public byte[] sign(byte[] input) {
            BigInteger[] rs = ecdsa.generateSignature(sha256.digest(input));
            byte[] out = new byte[64];
            BigIntegers.asUnsignedByteArray(rs[0], out, 0, 32);
            BigIntegers.asUnsignedByteArray(rs[1], out, 32, 32);
            return out;
        }
    }
}
