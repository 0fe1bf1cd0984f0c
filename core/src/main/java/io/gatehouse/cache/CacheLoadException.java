package io.gatehouse.cache;

/**
 * The loader of a {@link Cache#getOrLoad} threw. Nothing was cached (no poisoning): the next call
 * runs the loader again. Every caller that waited for the same load in this process gets this error.
 */
public final class CacheLoadException extends CacheException {
    private static final long serialVersionUID = 1L;

    public CacheLoadException(String cache, String key, Throwable cause) {
        super(cache, key, "loading key '" + key + "' of cache '" + cache + "' failed: " + cause, cause);
    }
}
