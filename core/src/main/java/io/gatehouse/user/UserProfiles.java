package io.gatehouse.user;

import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import io.gatehouse.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user profiles cached in the {@value #CACHE} cache (Redis when the cache purpose has one): written at
 * login with a TTL ({@code gatehouse.server.profile-cache-ttl}), read by {@code GET /api/v1/me} and the
 * refresh flow (loaded from the database on a miss, one loader per key across instances), dropped at
 * logout and whenever the user changes (password, status, roles: whoever changes a user calls {@link #drop}).
 */
public final class UserProfiles {
    /** The cache's name: keys {@code gatehouse:cache:{users}:...} (see docs/CACHE.md). */
    public static final String CACHE = "users";

    private static final Logger log = LoggerFactory.getLogger(UserProfiles.class);

    private final Cache<Profile> cache;
    private final UserService users;
    private final Duration ttl;

    /**
     * The cached form: plain strings and lists, so any instance (and any later version that ignores unknown
     * fields) reads it. Never the password hash: a {@link User} does not hold it.
     */
    record Profile(
            String id,
            String email,
            String fullName,
            String status,
            List<String> roles,
            String createdAt,
            String passwordChangedAt) {
        static Profile of(User u) {
            return new Profile(
                    u.id(),
                    u.email(),
                    u.fullName().orElse(null),
                    u.status().label(),
                    u.roles().stream().sorted().toList(),
                    u.createdAt().toString(),
                    u.passwordChangedAt().toString());
        }

        User toUser() {
            return new User(
                    id,
                    email,
                    Optional.ofNullable(fullName),
                    UserStatus.fromLabel(status),
                    Set.copyOf(roles),
                    Instant.parse(createdAt),
                    Instant.parse(passwordChangedAt));
        }
    }

    /** The warmer of the {@value #CACHE} cache ({@code gatehouse cache warm users}). */
    public static final String WARMER = "profiles";

    /** How many profiles the warmer caches at most (in email order). */
    public static final String WARM_LIMIT = "gatehouse.cache.users.warm-limit";

    public UserProfiles(Caches caches, UserService users, Duration ttl) {
        this(caches, users, ttl, 10_000);
    }

    /**
     * @param warmLimit the most profiles {@link #WARMER} caches: after a Redis flush or failover, warming
     *                  spares the database the refresh flow's misses of every active user at once
     */
    public UserProfiles(Caches caches, UserService users, Duration ttl, int warmLimit) {
        this.cache = caches.cache(CACHE, Profile.class);
        this.users = users;
        this.ttl = ttl;
        cache.warmer(WARMER, ttl, () -> firstProfiles(warmLimit));
    }

    /** Up to {@code limit} users' profiles, a page of the database at a time. */
    private java.util.Map<String, Profile> firstProfiles(int limit) {
        java.util.Map<String, Profile> out = new java.util.LinkedHashMap<>();
        int offset = 0;
        while (out.size() < limit) {
            UserPage page = users.search("", offset, Math.min(UserService.MAX_PAGE, limit - out.size()));
            page.users().forEach(u -> out.put(u.id(), Profile.of(u)));
            if (!page.hasMore() || page.users().isEmpty()) {
                break;
            }
            offset = page.nextOffset();
        }
        return out;
    }

    /** Caches {@code user} (at login, where it was just read from the database). */
    public void put(User user) {
        try {
            cache.put(user.id(), Profile.of(user), ttl);
        } catch (StoreException e) {
            // The cache is an optimisation: a login must not fail because Redis could not take the profile
            // (the next read loads it from the database).
            log.warn("could not cache the profile at login: {}", e.toString());
        }
    }

    /** The user, from the cache or else the database. */
    public Optional<User> get(String userId) {
        return profile(userId).map(Profile::toUser);
    }

    /**
     * The sorted roles of an active user, or empty when the user is unknown or not active: what the refresh
     * flow reads on every refresh, without building a {@link User}, whose two instants took more to parse
     * than the rest of the lookup (#19: {@code Instant.parse} was 6 % of an HTTP refresh's profile).
     */
    public Optional<List<String>> activeRoles(String userId) {
        return profile(userId)
                .filter(p -> UserStatus.fromLabel(p.status()) == UserStatus.ACTIVE)
                // Sorted when the profile was built (Profile.of); copied, as a profile read back from Redis holds a
                // list the caller could otherwise change in the near cache.
                .map(p -> List.copyOf(p.roles()));
    }

    private Optional<Profile> profile(String userId) {
        return cache.getOrLoad(userId, ttl, id -> users.find(id).map(Profile::of));
    }

    /** Forgets the cached profile here and in every instance's near cache. */
    public void drop(String userId) {
        cache.delete(userId);
    }
}
