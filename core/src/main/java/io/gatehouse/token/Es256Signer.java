package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * ES256 with the JDK's signature engine, kept ready between signatures.
 *
 * Nimbus's ECDSASigner looks the engine up, initialises it with the key and a fresh SecureRandom
 * (whose seeding is not free), and converts the JDK's DER signature to JOSE's r||s on every call. A
 * refresh signs one access token and does little else, so that per-call setup showed in its profile
 * (#19). Here each engine is initialised once, returns r||s directly ("inP1363Format", RFC 7518 3.4),
 * and goes back to a pool after use: a JDK Signature object returns to its initialised state after
 * sign(), and is not thread-safe, hence one per concurrent signer. A pool and not a ThreadLocal,
 * because the server runs each request on a new virtual thread.
 */
final class Es256Signer extends BaseJWSProvider implements JWSSigner {
    private static final String ENGINE = "SHA256withECDSAinP1363Format";
    /** More idle engines than this are dropped: bounded by the concurrency the process ever had. */
    private static final int MAX_IDLE = 256;

    private final PrivateKey key;
    private final ConcurrentLinkedQueue<Signature> idle = new ConcurrentLinkedQueue<>();
    /** The size of {@link #idle} (its own size() walks the queue). */
    private final AtomicInteger idleCount = new AtomicInteger();

    Es256Signer(PrivateKey key) {
        super(Set.of(JWSAlgorithm.ES256));
        this.key = key;
        idle.add(newEngine()); // fails here, at key load, rather than at the first signature
        idleCount.set(1);
    }

    private Signature newEngine() {
        try {
            Signature s = Signature.getInstance(ENGINE);
            s.initSign(key, Randomness.newDrbg()); // its own generator for k: see Randomness
            return s;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 private key usable for ES256: " + e.getMessage(), e);
        }
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
        Signature s = idle.poll();
        if (s == null) {
            s = newEngine();
        } else {
            idleCount.decrementAndGet();
        }
        byte[] signature;
        try {
            s.update(signingInput);
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new JOSEException("ES256 signing failed", e); // the engine is dropped, not reused
        }
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            idle.offer(s);
        } else {
            idleCount.decrementAndGet();
        }
        return signature;
    }
}
