package io.gatehouse.session;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The two secrets of the session store: the MAC key that makes stored records tamper-evident and the
 * device key that turns fingerprints into device ids. Kept out of {@link SessionSettings} so that
 * nothing which prints or returns settings can leak them.
 */
record SessionKeys(byte[] macKey, byte[] deviceKey) {
    static final int MIN_KEY_BYTES = 32;
    private static final String PREFIX = SessionSettings.PREFIX;

    /** On Redis both keys are required (every instance must share them); in memory they default to random ones. */
    static SessionKeys from(GatehouseConfig c, boolean onRedis) {
        return new SessionKeys(key(c, "mac-key", onRedis), key(c, "device-key", onRedis));
    }

    /**
     * A base64 key of at least 32 bytes. Missing on Redis: refused, because instances that generated
     * their own keys would reject each other's sessions. Missing in memory: a random key for this
     * process, since the sessions it protects live and die with the process too.
     */
    private static byte[] key(GatehouseConfig c, String name, boolean required) {
        String key = PREFIX + name;
        return c.get(key)
                .filter(s -> !s.isBlank())
                .map(v -> {
                    byte[] bytes;
                    try {
                        bytes = v.contains("-") || v.contains("_")
                                ? Base64.getUrlDecoder().decode(v)
                                : Base64.getDecoder().decode(v);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(
                                key,
                                key + " is not valid base64 (the value is not shown); generate one with "
                                        + "`openssl rand -base64 32`");
                    }
                    if (bytes.length < MIN_KEY_BYTES) {
                        throw new ConfigException(
                                key,
                                key + " decodes to " + bytes.length + " bytes; it needs at least " + MIN_KEY_BYTES
                                        + " random bytes (`openssl rand -base64 32`)");
                    }
                    return bytes;
                })
                .orElseGet(() -> {
                    if (required) {
                        throw new ConfigException(
                                key,
                                key + " is not set. Sessions on Redis need it so that every instance "
                                        + "computes the same "
                                        + (name.equals("mac-key") ? "session MACs" : "device ids")
                                        + "; set it to the same secret on every instance, e.g. the output of `openssl rand -base64 32`");
                    }
                    byte[] random = new byte[MIN_KEY_BYTES];
                    new SecureRandom().nextBytes(random);
                    return random;
                });
    }

    @Override
    public String toString() {
        return "SessionKeys[***]";
    }
}
