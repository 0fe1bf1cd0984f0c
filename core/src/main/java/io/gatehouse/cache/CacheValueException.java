package io.gatehouse.cache;

/**
 * A value could not be converted to or from JSON as the cache's type (for example a value written by
 * an older version of a class). {@link Cache#get} reports it; {@link Cache#getOrLoad} replaces such a
 * value with a freshly loaded one.
 */
public final class CacheValueException extends CacheException {
    private static final long serialVersionUID = 1L;

    public CacheValueException(String cache, String key, String message, Throwable cause) {
        super(cache, key, "value of key '" + key + "' in cache '" + cache + "' " + message, cause);
    }
}
