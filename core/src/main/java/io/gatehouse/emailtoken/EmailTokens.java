package io.gatehouse.emailtoken;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Single-use tokens that are mailed: 32 random bytes, base64url (43 characters). Only the SHA-256 of a token
 * is stored, under its purpose, with a time to live; {@link #take} removes it in the same atomic step that reads
 * it (one script on Redis), so a token works once, whatever the number of instances or concurrent clicks.
 *
 * <pre>{@code
 * String token = tokens.issue(EmailTokenPurpose.PASSWORD_RESET, user.id(), changedAt.toString(), Duration.ofMinutes(30));
 * // mail the token; later:
 * Optional<EmailTokenClaim> claim = tokens.take(EmailTokenPurpose.PASSWORD_RESET, presented);
 * }</pre>
 */
public final class EmailTokens {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    private EmailTokens(Store store) {
        this.store = store;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Issues a token; the caller mails it and forgets it.
     *
     * @param binding what must still hold when the token is used (see {@link EmailTokenClaim#binding()})
     * @param ttl     how long it can be used, at least a second
     */
    public String issue(EmailTokenPurpose purpose, String userId, String binding, Duration ttl) {
        Objects.requireNonNull(purpose, "purpose");
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("a token lives at least a second, not " + ttl);
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        store.put(purpose, hash(token), new EmailTokenClaim(userId, binding).encode(), ttl);
        return token;
    }

    /**
     * Takes a token: what it was issued for, exactly once; empty when it is malformed, unknown, of another
     * purpose, expired or already taken.
     */
    public Optional<EmailTokenClaim> take(EmailTokenPurpose purpose, String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        return store.take(purpose, hash(token)).map(EmailTokenClaim::decode);
    }

    /** SHA-256 of the token, base64url: a stored hash does not let anyone use the token. */
    static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Where token hashes live: in memory or in Redis. */
    interface Store {
        void put(EmailTokenPurpose purpose, String hash, String value, Duration ttl);

        Optional<String> take(EmailTokenPurpose purpose, String hash);
    }

    /** Builds {@link EmailTokens}: in memory unless given Redis. */
    public static final class Builder {
        private RedisConnector redis;
        private Stores stores;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Keeps token hashes where {@code stores} puts {@link Purpose#TOKENS} (in memory when that is not Redis). */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** The clock of the in-memory store's expiry. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public EmailTokens build() {
            RedisConnector r = redis;
            if (r == null && stores != null) {
                r = StoresRedis.of(stores, Purpose.TOKENS).orElse(null);
            }
            return new EmailTokens(r != null ? new RedisEmailTokenStore(r) : new InMemoryEmailTokenStore(clock));
        }
    }
}
