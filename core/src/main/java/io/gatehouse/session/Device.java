package io.gatehouse.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A device of a user: its live sessions grouped by device id, and its trust if it is trusted.
 *
 * @param deviceId      keyed hash of the fingerprint (safe to show; the fingerprint is not stored)
 * @param userAgent     the user agent of its most recent session (or of the trust record)
 * @param firstSeenAt   creation of its oldest live session, or when it was trusted
 * @param lastSeenAt    the latest last-seen of its sessions, or when it was trusted
 * @param sessions      its live sessions, most recently seen first
 * @param trustedUntil  present while the device is trusted
 */
public record Device(
        String deviceId,
        Optional<String> userAgent,
        Instant firstSeenAt,
        Instant lastSeenAt,
        List<Session> sessions,
        Optional<Instant> trustedUntil) {
    public Device {
        sessions = List.copyOf(sessions);
    }

    public boolean trusted() {
        return trustedUntil.isPresent();
    }
}
