package io.gatehouse.config;

import java.util.Locale;

/**
 * What a store is used for. Each purpose may point at its own Redis deployment
 * ({@code gatehouse.redis.<purpose>.url}) or share the default one ({@code gatehouse.redis.url}).
 */
public enum Purpose {
    TOKENS("tokens"),
    SESSIONS("sessions"),
    RATE_LIMITS("rate-limits"),
    CACHE("cache"),
    EVENTS("events");

    private final String key;

    Purpose(String key) {
        this.key = key;
    }

    /** The purpose's segment in configuration keys, for example {@code rate-limits}. */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }

    static Purpose ofKey(String key) {
        for (Purpose p : values()) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown purpose: " + key);
    }
}
