package io.gatehouse.session;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One session as stored: who, since when, when last seen, until when, from where. It carries the
 * session's handle, never its secret id.
 *
 * @param handle             the session's public name: what tokens ({@code sid}), events, logs, URLs and
 *                           listings show, and what {@link SessionStore#endByHandle} takes; it cannot be
 *                           used as, or turned back into, the secret session id (which only
 *                           {@link SessionStore#create} returns, in {@link CreatedSession})
 * @param userId             the user it belongs to
 * @param createdAt          when it was created (second precision)
 * @param lastSeenAt         last activity written to the store; it moves at most once per touch interval
 * @param expiresAt          when it ends unless touched again: the earlier of the idle deadline
 *                           ({@code lastSeenAt + idle timeout}) and {@link #absoluteExpiresAt}
 * @param absoluteExpiresAt  {@code createdAt + absolute lifetime}; touching never moves it
 * @param ip                 the client address given at creation, normalized ({@code 2001:db8:0:0:0:0:0:1})
 * @param userAgent          the client's user agent given at creation (at most 512 characters kept)
 * @param deviceId           keyed hash of the device fingerprint (or of the user agent when no fingerprint
 *                           was given); never the fingerprint itself
 * @param attributes         the small attribute map
 */
public record Session(
        String handle,
        String userId,
        Instant createdAt,
        Instant lastSeenAt,
        Instant expiresAt,
        Instant absoluteExpiresAt,
        Optional<String> ip,
        Optional<String> userAgent,
        Optional<String> deviceId,
        Map<String, String> attributes) {

    public Session {
        attributes = Map.copyOf(attributes);
    }

    /** Whether the session is still valid at {@code now}. */
    public boolean isActiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "Session[handle=" + handle + ", created=" + createdAt + ", lastSeen=" + lastSeenAt + ", expires="
                + expiresAt + ", device=" + deviceId.orElse("-") + "]";
    }
}
