package io.gatehouse.token;

import java.time.Duration;
import java.util.Objects;

/**
 * A cap on the refreshes of one refresh family (one login) per window, for {@link TokenService#refresh(String,
 * RefreshLimit)}. It is counted inside the rotation, and only for a presented token that the rotation
 * authenticated (its hash matched the family's current or last retired token): a forged token naming the
 * family cannot spend it, so it can never throttle the family's owner.
 *
 * @param limit  refreshes (rotations and grace retries) allowed per window; 0 for no limit
 * @param window the window, at least a millisecond
 */
public record RefreshLimit(int limit, Duration window) {
    /** No limit. */
    public static final RefreshLimit NONE = new RefreshLimit(0, Duration.ofMillis(1));

    public RefreshLimit {
        Objects.requireNonNull(window, "window");
        if (limit < 0 || window.toMillis() < 1) {
            throw new IllegalArgumentException("a refresh limit needs limit >= 0 and a window of at least 1 ms");
        }
    }
}
