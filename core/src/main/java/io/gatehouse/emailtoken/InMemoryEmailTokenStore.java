package io.gatehouse.emailtoken;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Token hashes in this process; {@code remove} is the atomic take. Expired entries are swept on issue. */
final class InMemoryEmailTokenStore implements EmailTokens.Store {
    private record Entry(String value, long expiresAtMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryEmailTokenStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void put(EmailTokenPurpose purpose, String hash, String value, Duration ttl) {
        long now = clock.millis();
        entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        entries.put(purpose.code() + ":" + hash, new Entry(value, now + ttl.toMillis()));
    }

    @Override
    public Optional<String> take(EmailTokenPurpose purpose, String hash) {
        Entry e = entries.remove(purpose.code() + ":" + hash);
        if (e == null || e.expiresAtMillis() <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(e.value());
    }
}
