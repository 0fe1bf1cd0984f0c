package io.gatehouse.config;

import io.gatehouse.error.GatehouseException;

/**
 * A setting is missing, malformed, or names something that cannot be used (an unreachable host, a
 * certificate file that does not exist, a password Redis refuses). The message is one paragraph that
 * names the setting and the cause, written to be printed as it is at startup.
 */
public class ConfigException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The configuration key at fault, for example {@code gatehouse.redis.tls.ca-file}. */
    public String key() {
        return key;
    }
}
