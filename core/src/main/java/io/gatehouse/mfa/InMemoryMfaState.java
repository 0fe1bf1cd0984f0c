package io.gatehouse.mfa;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link MfaState} for a single instance, expiring by the injected clock. Every operation holds one lock. */
final class InMemoryMfaState implements MfaState {
    private record Challenge(Map<String, String> context, long expiresAt, int attempts) {}

    private record Step(long step, long expiresAt) {}

    private final Clock clock;
    private final Map<String, Challenge> challenges = new HashMap<>();
    private final Map<String, Step> steps = new HashMap<>();

    InMemoryMfaState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized boolean acceptStep(String userId, long step, long ttlSeconds) {
        long now = clock.millis();
        Step last = steps.get(userId);
        if (last != null && last.expiresAt() > now && step <= last.step()) {
            return false;
        }
        steps.put(userId, new Step(step, now + ttlSeconds * 1000));
        return true;
    }

    @Override
    public synchronized void open(String idHash, Map<String, String> context, long ttlMillis) {
        long now = clock.millis();
        challenges.values().removeIf(c -> c.expiresAt() <= now);
        challenges.put(idHash, new Challenge(Map.copyOf(context), now + ttlMillis, 0));
    }

    @Override
    public synchronized Optional<Attempt> attempt(String idHash, int maxAttempts) {
        Challenge c = challenges.get(idHash);
        if (c == null || c.expiresAt() <= clock.millis()) {
            challenges.remove(idHash);
            return Optional.empty();
        }
        int n = c.attempts() + 1;
        if (n > maxAttempts) {
            challenges.remove(idHash);
            return Optional.empty();
        }
        challenges.put(idHash, new Challenge(c.context(), c.expiresAt(), n));
        return Optional.of(new Attempt(n, new HashMap<>(c.context())));
    }

    @Override
    public synchronized boolean take(String idHash) {
        Challenge c = challenges.remove(idHash);
        return c != null && c.expiresAt() > clock.millis();
    }
}
