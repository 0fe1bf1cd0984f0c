package io.gatehouse.mfa;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Login challenges waiting for a second factor.
 */
public final class Challenge {
    private Challenge() {}

    /**
     * A challenge just opened.
     *
     * @param id        the bearer secret the client sends back with the code (only its hash is stored)
     * @param expiresAt when it stops being accepted
     * @param expiresIn how long it is accepted from now
     */
    public record Opened(String id, Instant expiresAt, Duration expiresIn) {
        @Override
        public String toString() {
            return "Challenge.Opened[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * One counted attempt on a challenge, before its code is checked.
     *
     * @param userId    whose login it is
     * @param context   what the login stored with it (client, device)
     * @param number    the attempt's number, 1-based
     * @param remaining attempts left after this one
     */
    public record Attempt(String userId, Map<String, String> context, int number, int remaining) {
        public Attempt {
            context = Map.copyOf(context);
        }
    }
}
