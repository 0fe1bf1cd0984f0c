package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.mfa.SecondFactors;
import io.gatehouse.mfa.TotpEnrolment;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.user.AuthenticationResult;
import io.gatehouse.user.FieldError;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's second-factor settings, as the JSON API ({@link MfaRoutes}, Bearer) and the web console's account page
 * (cookie) both change them: state, enrolment, confirmation, turning off, new recovery codes. Callers check who the
 * user is and the recent authentication; this does the rest, so the two entrances cannot drift apart. Secrets and
 * codes go to the caller only, never to a log line.
 */
public final class SecondFactorSettings {
    private final SecondFactors factors;
    private final UserService users;
    private final UserProfiles profiles;
    private final SecurityEvents events;

    public SecondFactorSettings(
            SecondFactors factors, UserService users, UserProfiles profiles, SecurityEvents events) {
        this.factors = factors;
        this.users = users;
        this.profiles = profiles;
        this.events = events;
    }

    /** {@code {totp, recovery_codes_left, available}}. */
    public Map<String, Object> state(String userId) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean on = factors.enabled(userId);
        m.put("totp", on);
        m.put("recovery_codes_left", on ? factors.recoveryCodesLeft(userId) : 0);
        m.put("available", factors.available());
        return m;
    }

    /** Starts an enrolment: {@code {secret, otpauth_uri, qr_svg}}. 409 already on; 503 when the server has no key. */
    public Map<String, Object> enrol(User user) {
        TotpEnrolment e = factors.enrol(user.id(), user.email());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secret", e.secret());
        m.put("otpauth_uri", e.uri());
        m.put("qr_svg", QrCodes.svg(e.uri()));
        return m;
    }

    /**
     * Turns the pending enrolment on with the first code of JSON {@code {code}}: {@code {recovery_codes}} (shown
     * once). 400 wrong code; 409 nothing pending.
     */
    public Map<String, Object> confirm(String userId, String sessionHandle, ObjectNode body) {
        List<String> codes = factors.confirm(userId, Json.requiredString(body, "code"))
                .orElseThrow(() -> wrong("code", "the code is not correct: check the authenticator app's clock"));
        record(EventType.MFA_ENABLED, userId, sessionHandle);
        return Map.of("recovery_codes", codes);
    }

    /** Turns TOTP off with exactly one of the password and a current code. 400 wrong; 404 none to turn off. */
    public void disable(String userId, String sessionHandle, Optional<String> password, Optional<String> code) {
        if (password.isPresent() == code.isPresent()) {
            throw Json.invalidField("password", "send exactly one of password and code");
        }
        if (!factors.enabled(userId)) {
            throw new ProblemException(Problem.of(404, "Not Found", "no second factor is enabled"));
        }
        boolean right = password.isPresent()
                ? profiles.get(userId)
                        .map(u -> users.authenticate(u.email(), password.get())
                                instanceof AuthenticationResult.Authenticated)
                        .orElse(false)
                : factors.verifyTotp(userId, code.get());
        if (!right) {
            throw password.isPresent()
                    ? wrong("password", "the password is not correct")
                    : wrong("code", "the code is not correct");
        }
        factors.disable(userId);
        record(EventType.MFA_DISABLED, userId, sessionHandle);
    }

    /** New recovery codes, {@code {recovery_codes}}; the old ones stop working. 409 no second factor. */
    public Map<String, Object> regenerateRecoveryCodes(String userId) {
        return Map.of("recovery_codes", factors.regenerateRecoveryCodes(userId));
    }

    private void record(EventType type, String userId, String sessionHandle) {
        events.record(SecurityEvent.builder(type).user(userId).session(sessionHandle));
    }

    private static InvalidUserInputException wrong(String field, String message) {
        return new InvalidUserInputException(List.of(new FieldError(field, message)));
    }
}
