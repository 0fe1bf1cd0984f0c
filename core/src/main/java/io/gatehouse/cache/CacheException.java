package io.gatehouse.cache;

import io.gatehouse.error.GatehouseException;

/** A cache operation failed for a reason of the cache's own (not the store's). */
public abstract class CacheException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final String cache;
    private final String key;

    protected CacheException(String cache, String key, String message, Throwable cause) {
        super(message, cause);
        this.cache = cache;
        this.key = key;
    }

    /** The cache's name. */
    public String cache() {
        return cache;
    }

    /** The key concerned. */
    public String key() {
        return key;
    }
}
