package io.gatehouse.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce, output as base64 of {@code nonce || ciphertext+tag}. Used for
 * private keys at rest and for the successor refresh token kept during the grace window. The
 * associated data binds a ciphertext to its place (a key id, a family), so one cannot be swapped for
 * another. Public for the second factor's secrets at rest ({@code io.gatehouse.mfa}); not part of the token API.
 */
public final class SealedBox {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** At most this many idle engines are kept (one per concurrent caller is all that is ever used). */
    private static final int MAX_IDLE = 64;
    /*
     * AES-GCM engines between uses: Cipher.getInstance (a provider lookup) showed in the refresh profile,
     * which seals every successor token (#19). Each use initialises the engine with its own key and a
     * fresh nonce, so nothing carries over from one use to the next.
     */
    private static final ConcurrentLinkedQueue<Cipher> IDLE = new ConcurrentLinkedQueue<>();
    /**
     * SHA-256 engines are cloned from this one: a clone copies a fresh engine's state, where
     * MessageDigest.getInstance looks the provider's service up again on every call (three per refresh).
     */
    private static final MessageDigest SHA256 = newSha256();

    private SealedBox() {}

    public static String seal(byte[] key, String plaintext, String associated) {
        try {
            byte[] nonce = new byte[NONCE];
            Randomness.nextBytes(nonce);
            Cipher cipher = engine();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            release(cipher);
            byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
            System.arraycopy(ct, 0, out, NONCE, ct.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the JDK", e);
        }
    }

    /** @throws IllegalArgumentException when the key is wrong or the data was altered */
    public static String open(byte[] key, String sealed, String associated) {
        byte[] in;
        try {
            in = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed data is not base64");
        }
        if (in.length < NONCE + TAG_BITS / 8) {
            throw new IllegalArgumentException("sealed data is too short");
        }
        try {
            Cipher cipher = engine();
            cipher.init(
                    Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            String plain = new String(cipher.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
            release(cipher);
            return plain;
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("wrong key, or the sealed data was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the JDK", e);
        }
    }

    private static Cipher engine() throws GeneralSecurityException {
        Cipher c = IDLE.poll();
        return c != null ? c : Cipher.getInstance("AES/GCM/NoPadding");
    }

    /** Only after a use that completed: an engine that threw is dropped, not reused. */
    private static void release(Cipher c) {
        if (IDLE.size() < MAX_IDLE) {
            IDLE.offer(c);
        }
    }

    /** SHA-256 of a label and a value: domain-separated keys and lookup hashes. */
    static byte[] sha256(String label, String value) {
        MessageDigest md = sha256();
        if (!label.isEmpty()) {
            md.update(label.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return md.digest(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh SHA-256 engine (a clone of a prototype: no provider look-up); also the ES256 engines' digest. */
    static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256(); // a provider whose engine cannot be cloned
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
