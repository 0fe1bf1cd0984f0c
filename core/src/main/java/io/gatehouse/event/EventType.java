package io.gatehouse.event;

import io.gatehouse.error.InvalidInputException;
import java.util.Locale;

/**
 * What happened. Each type carries the severity an event of that type gets unless the recorder says
 * otherwise, and a short stable code that is what is stored (renaming a constant never breaks stored data).
 */
public enum EventType {
    REGISTER("register", Severity.INFO),
    LOGIN_SUCCESS("login_success", Severity.INFO),
    LOGIN_FAILURE("login_failure", Severity.WARNING),
    LOCKOUT("lockout", Severity.CRITICAL),
    LOGOUT("logout", Severity.INFO),
    LOGOUT_ALL("logout_all", Severity.INFO),
    TOKEN_REVOKED("token_revoked", Severity.INFO),
    REFRESH_REUSE_DETECTED("refresh_reuse_detected", Severity.CRITICAL),
    SESSION_CREATED("session_created", Severity.INFO),
    SESSION_ENDED("session_ended", Severity.INFO),
    SESSION_EVICTED("session_evicted", Severity.WARNING),
    DEVICE_TRUSTED("device_trusted", Severity.INFO),
    DEVICE_UNTRUSTED("device_untrusted", Severity.INFO),
    PASSWORD_CHANGED("password_changed", Severity.WARNING),
    /** A password set with a mailed reset token: every session ended, every token revoked. */
    PASSWORD_RESET("password_reset", Severity.WARNING),
    /** The user followed the verification link mailed to their address. */
    EMAIL_VERIFIED("email_verified", Severity.INFO),
    /** A login from a device the user had not logged in from (within the remembered ones); the user is mailed. */
    NEW_DEVICE("new_device", Severity.WARNING),
    /** A login from a network (IPv4 /24, IPv6 /48) the user had not logged in from; the user is mailed. */
    NEW_NETWORK("new_network", Severity.WARNING),
    /** Recorded sampled: see {@code gatehouse.events.rate-limit-sample}. */
    RATE_LIMIT_EXCEEDED("rate_limit_exceeded", Severity.WARNING),
    ADMIN_ACTION("admin_action", Severity.WARNING);

    private final String code;
    private final Severity defaultSeverity;

    EventType(String code, Severity defaultSeverity) {
        this.code = code;
        this.defaultSeverity = defaultSeverity;
    }

    /** The stored and exported name, e.g. {@code login_failure}. */
    public String code() {
        return code;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /** The type whose {@link #code()} (or constant name, any case) is {@code code}. */
    public static EventType of(String code) {
        for (EventType t : values()) {
            if (t.code.equals(code) || t.name().equalsIgnoreCase(code)) {
                return t;
            }
        }
        throw new InvalidInputException("unknown security event type '" + code + "'");
    }

    @Override
    public String toString() {
        return code.toLowerCase(Locale.ROOT);
    }
}
