package io.gatehouse;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.session.EndReason;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionListener;
import io.gatehouse.token.ReuseEvent;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.RevocationKind;
import io.gatehouse.token.TokenEventListener;
import java.time.Instant;
import java.util.List;

/**
 * Turns what the core capabilities report into security events. The capabilities know nothing of the
 * event log; this is the one place that decides which of their notifications become which event type.
 * Events the HTTP layer knows more about (login success and failure with the client's IP and user agent,
 * register, logout, password change, admin actions) are recorded by the routes themselves.
 *
 * <p>Every method only enqueues ({@link SecurityEvents#record} never blocks), as the listener contracts
 * require.
 */
final class EventBridge implements TokenEventListener, SessionListener, RateLimitListener {
    private final SecurityEvents events;

    EventBridge(SecurityEvents events) {
        this.events = events;
    }

    @Override
    public void revoked(List<Revocation> revocations) {
        for (Revocation r : revocations) {
            // A session's tokens are revoked because the session ended: that is already a session event.
            if (r.kind() == RevocationKind.SESSION) {
                continue;
            }
            SecurityEvent.Builder e = SecurityEvent.builder(EventType.TOKEN_REVOKED)
                    .time(r.at())
                    .reason(r.reason())
                    .detail("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT));
            switch (r.kind()) {
                case USER -> e.user(r.id());
                case TOKEN -> e.detail("jti", r.id());
                case FAMILY -> e.detail("family", r.id());
                default -> {}
            }
            events.record(e);
        }
    }

    @Override
    public void reuseDetected(ReuseEvent event) {
        events.record(SecurityEvent.builder(EventType.REFRESH_REUSE_DETECTED)
                .time(event.at())
                .user(event.subject())
                .session(event.sessionId())
                .reason("a rotated refresh token was presented again")
                .detail("family", event.familyId())
                .detail("jti", event.tokenId())
                .detail("first_detection", Boolean.toString(event.firstDetection())));
    }

    @Override
    public void sessionCreated(Session session) {
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.SESSION_CREATED)
                .time(session.createdAt())
                .user(session.userId())
                .session(session.handle());
        session.ip().ifPresent(e::ip);
        session.userAgent().ifPresent(e::userAgent);
        session.deviceId().ifPresent(d -> e.detail("device", d));
        events.record(e);
    }

    @Override
    public void sessionsEnded(String userId, List<String> handles, EndReason reason) {
        EventType type = reason == EndReason.EVICTED ? EventType.SESSION_EVICTED : EventType.SESSION_ENDED;
        for (String handle : handles) {
            events.record(SecurityEvent.builder(type)
                    .user(userId)
                    .session(handle)
                    .reason(reason.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    @Override
    public void deviceTrusted(String userId, String deviceId, Instant until) {
        events.record(SecurityEvent.builder(EventType.DEVICE_TRUSTED)
                .user(userId)
                .detail("device", deviceId)
                .detail("until", until.toString()));
    }

    @Override
    public void deviceUntrusted(String userId, String deviceId) {
        events.record(
                SecurityEvent.builder(EventType.DEVICE_UNTRUSTED).user(userId).detail("device", deviceId));
    }

    @Override
    public void exceeded(String subject, Decision decision) {
        events.record(SecurityEvent.builder(EventType.RATE_LIMIT_EXCEEDED)
                .reason("policy " + decision.policy())
                .detail("policy", decision.policy())
                .detail("subject", subject)
                .detail("retry_after_s", Long.toString(decision.retryAfterSeconds())));
    }

    @Override
    public void lockedOut(String dimension, String ip, String account, LockoutStatus status) {
        // The account name is what was typed: it may not exist, so it goes to details, not to the user index.
        events.record(SecurityEvent.builder(EventType.LOCKOUT)
                .ip(ip)
                .reason("too many failed logins")
                .detail("dimension", dimension)
                .detail("account", account)
                .detail("permanent", Boolean.toString(status.permanent()))
                .detail("retry_after_s", Long.toString(status.retryAfterSeconds())));
    }
}
