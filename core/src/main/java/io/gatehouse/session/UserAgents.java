package io.gatehouse.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * User agents are stored once, not once per session: a session keeps a 48-bit hash keyed with the MAC
 * key (8 characters, {@link RecordCodec#uaHash}; entries written before the compact format hold a 64-bit
 * plain SHA-256, 11 characters, still resolved) and the text lives under {@code <prefix>:ua:{<hash>}}. A browser's user agent is ~120
 * bytes and a few thousand distinct ones cover almost every session, so this alone saves ~110 bytes
 * per session (docs/SESSIONS.md).
 *
 * <p>Each process remembers recently used user agents, so resolving one is local nearly always, and
 * rewrites a text (refreshing its TTL) at most once a day; the TTL is longer than anything that can
 * refer to it (absolute lifetime, trusted-device time) plus that day.
 */
final class UserAgents {
    private static final int CACHE_SIZE = 4096;
    private static final long REFRESH_SECONDS = 86_400;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SessionBackend backend;
    private final Clock clock;
    private final long ttlSeconds;
    private final Function<String, String> hasher;
    /** Text to hash, so that a create hashes a text once per process rather than once per session. */
    private final Cache<String, String> hashes =
            Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    /** The same for the plain hashes of the text format (entry-format = text, during an upgrade). */
    private final Cache<String, String> legacyHashes =
            Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    private final Map<String, Known> cache = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Known(String text, long writtenAt) {}

    UserAgents(SessionBackend backend, Clock clock, long ttlSeconds, Function<String, String> hasher) {
        this.backend = backend;
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
        this.hasher = hasher;
    }

    /** The hash that names {@code userAgent} (keyed, 8 characters). */
    String hash(String userAgent) {
        return hashes.get(userAgent, hasher);
    }

    /** The hash that entries of {@code format} name {@code userAgent} by: keyed (compact) or plain (text). */
    String hash(String userAgent, EntryFormat format) {
        return format == EntryFormat.TEXT ? legacyHashes.get(userAgent, UserAgents::legacyHash) : hash(userAgent);
    }

    /** Whether {@code text} is the one {@code hash} names: a keyed hash, or the plain one of older entries. */
    private boolean names(String hash, String text) {
        return hash.length() == LEGACY_HASH_CHARS
                ? legacyHash(text).equals(hash)
                : hash(text).equals(hash);
    }

    static final int LEGACY_HASH_CHARS = 11;

    /** The 64-bit plain SHA-256 that entries written before the compact format hold. */
    static String legacyHash(String userAgent) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(userAgent.getBytes(StandardCharsets.UTF_8));
            byte[] cut = new byte[8];
            System.arraycopy(d, 0, cut, 0, 8);
            return B64.encodeToString(cut);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    /** Makes sure the text is stored; the future completes when it is (at once when it was written lately). */
    CompletableFuture<Void> store(String hash, String userAgent) {
        long now = clock.millis() / 1000;
        synchronized (cache) {
            Known k = cache.get(hash);
            if (k != null && now - k.writtenAt < REFRESH_SECONDS) {
                return CompletableFuture.completedFuture(null);
            }
            cache.put(hash, new Known(userAgent, now));
        }
        return backend.putUserAgent(hash, userAgent, ttlSeconds).whenComplete((ok, error) -> {
            if (error != null) {
                synchronized (cache) {
                    cache.remove(hash);
                }
            }
        });
    }

    Optional<String> resolve(String hash) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        synchronized (cache) {
            Known k = cache.get(hash);
            if (k != null) {
                return Optional.of(k.text);
            }
        }
        Optional<String> text = backend.userAgent(hash).filter(t -> names(hash, t));
        text.ifPresent(t -> {
            synchronized (cache) {
                // Not written by us: writtenAt 0 makes the next create rewrite it (and refresh its TTL).
                cache.putIfAbsent(hash, new Known(t, 0));
            }
        });
        return text;
    }
}
