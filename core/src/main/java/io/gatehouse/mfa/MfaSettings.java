package io.gatehouse.mfa;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of {@code gatehouse.mfa.*}.
 *
 * @param encryptionKey   {@code encryption-key}: 32 bytes (base64) sealing TOTP secrets (AES-256-GCM) and keying
 *                        the recovery-code hashes; empty = second factors cannot be enrolled
 * @param issuer          {@code issuer}: the name authenticator apps show beside the account (default Gatehouse)
 * @param challengeTtl    {@code challenge-ttl}: how long a login waits for its second factor (default 5 minutes)
 * @param maxAttempts     {@code max-attempts}: codes tried against one challenge before it is locked (default 5)
 * @param window          {@code window}: time steps accepted either side of now, for clock drift (default 1)
 */
record MfaSettings(Optional<byte[]> encryptionKey, String issuer, Duration challengeTtl, int maxAttempts, int window) {
    static final String PREFIX = "gatehouse.mfa.";
    static final String KEY = PREFIX + "encryption-key";

    static MfaSettings from(GatehouseConfig c) {
        Optional<byte[]> key = c.key256(KEY);
        String issuer = c.string(PREFIX + "issuer", "Gatehouse").strip();
        if (issuer.isEmpty() || issuer.contains(":") || issuer.length() > 64) {
            throw new ConfigException(PREFIX + "issuer", PREFIX + "issuer must be 1 to 64 characters without a colon");
        }
        Duration ttl = c.positiveDuration(PREFIX + "challenge-ttl", Duration.ofMinutes(5));
        long attempts = c.number(PREFIX + "max-attempts", 5);
        if (attempts < 1 || attempts > 20) {
            throw new ConfigException(
                    PREFIX + "max-attempts", PREFIX + "max-attempts = " + attempts + " must be 1..20");
        }
        long window = c.number(PREFIX + "window", 1);
        if (window < 0 || window > 3) {
            throw new ConfigException(PREFIX + "window", PREFIX + "window = " + window + " must be 0..3");
        }
        return new MfaSettings(key, issuer, ttl, (int) attempts, (int) window);
    }
}
