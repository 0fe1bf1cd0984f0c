package io.gatehouse.server.auth;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.token.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Step-up authentication (RFC 9470): sensitive actions (changing the password, disabling or resetting the second
 * factor, trusting a device, admin changes) need an authentication within {@code gatehouse.auth.recent-auth}
 * (default 10 minutes), judged by the access token's {@code auth_time}. A refresh keeps {@code auth_time}, so an
 * old login stays old; {@code POST /api/v1/auth/reauthenticate} renews it. Otherwise the answer is 401 with
 * {@code WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age=<seconds>}.
 */
public final class StepUp {
    public static final String RECENT_AUTH = "gatehouse.auth.recent-auth";

    private final Duration window;
    private final Clock clock;

    public StepUp(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    public static StepUp fromConfig(GatehouseConfig config, Clock clock) {
        Duration window = config.positiveDuration(RECENT_AUTH, Duration.ofMinutes(10));
        if (window.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException(RECENT_AUTH, RECENT_AUTH + " must be at most 1d");
        }
        return new StepUp(window, clock);
    }

    /** The window a sensitive action's authentication must fall within. */
    public Duration window() {
        return window;
    }

    /** Whether the user authenticated at {@code authTime} recently enough for a sensitive action. */
    public boolean recent(Optional<Instant> authTime) {
        // auth_time has whole seconds (rounded down): the window ends up to 1 s early, never late.
        return authTime.isPresent() && !authTime.get().plus(window).isBefore(clock.instant());
    }

    /** @throws ProblemException 401 {@code insufficient_user_authentication} unless the token's login is recent */
    public void require(VerifiedToken token) {
        if (!recent(token.authTime())) {
            throw insufficient();
        }
    }

    /** The RFC 9470 challenge. */
    ProblemException insufficient() {
        String description = "this action needs an authentication within the last " + window.toSeconds()
                + " seconds: POST /api/v1/auth/reauthenticate";
        return new ProblemException(
                Problem.typed("insufficient-user-authentication", 401, "Unauthorized", description)
                        .with("max_age", window.toSeconds()),
                Map.of(
                        "WWW-Authenticate",
                        "Bearer " + BearerAuthenticator.REALM + ", error=\"insufficient_user_authentication\""
                                + ", error_description=\"" + description + "\", max_age=" + window.toSeconds()));
    }
}
