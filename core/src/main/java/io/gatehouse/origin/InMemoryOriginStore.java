package io.gatehouse.origin;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Origins in this process: per user and kind, an access-ordered map of value to last-seen millis. */
final class InMemoryOriginStore implements LoginOrigins.Store {
    private final Map<String, LinkedHashMap<String, Long>> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryOriginStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public LoginOrigins.Sighting see(
            String userId, LoginOrigins.Kind kind, String value, int capacity, Duration memory) {
        long now = clock.millis();
        LinkedHashMap<String, Long> m =
                seen.computeIfAbsent(userId + ":" + kind.code, k -> new LinkedHashMap<>(16, 0.75f, true));
        synchronized (m) {
            // The whole memory expires after a quiet period, as the Redis key does.
            boolean stale = m.values().stream().mapToLong(Long::longValue).max().orElse(0) + memory.toMillis() <= now;
            if (stale) {
                m.clear();
            }
            boolean first = m.isEmpty();
            boolean known = m.put(value, now) != null;
            while (m.size() > capacity) {
                m.remove(m.keySet().iterator().next());
            }
            return first
                    ? LoginOrigins.Sighting.FIRST
                    : known ? LoginOrigins.Sighting.KNOWN : LoginOrigins.Sighting.NEW;
        }
    }
}
