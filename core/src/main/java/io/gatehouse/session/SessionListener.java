package io.gatehouse.session;

import java.time.Instant;
import java.util.List;

/**
 * Told when sessions start and end and when devices gain or lose trust: the token service revokes an
 * ended session's tokens here, the event log records security events. Called after the change is
 * stored, on the caller's thread; an exception is logged and does not undo the change.
 *
 * <p>Sessions that simply expire are not reported (there are no keyspace notifications): tokens bound
 * to a session should be checked against the session, or not outlive its idle timeout.
 */
public interface SessionListener {

    /** A session was created. */
    default void sessionCreated(Session session) {}

    /**
     * A touch found the session alive (metrics count active sessions here). Called on every protected
     * request: keep it cheap and never block.
     */
    default void sessionTouched(Session session) {}

    /**
     * Sessions ended. {@code handles} are exactly the sessions this call ended (as {@link Session#handle()});
     * expired ones removed on the way are not included.
     */
    default void sessionsEnded(String userId, List<String> handles, EndReason reason) {}

    /** A batch of a {@linkplain SessionStore#cleanup(int) cleanup pass} finished (metrics count its work here). */
    default void cleanedUp(CleanupBatch batch) {}

    /** A device was marked trusted until {@code until}. */
    default void deviceTrusted(String userId, String deviceId, Instant until) {}

    /** A device's trust was withdrawn. */
    default void deviceUntrusted(String userId, String deviceId) {}
}
