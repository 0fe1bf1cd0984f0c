package io.gatehouse.session;

/** Why sessions ended, as reported to {@link SessionListener#sessionsEnded}. */
public enum EndReason {
    /** {@link SessionStore#end(String)}: one session ended (logout). */
    ENDED,
    /** {@link SessionStore#endAll(String)}: every session of the user (logout everywhere, password change). */
    ENDED_ALL,
    /** {@link SessionStore#endAllBut(String)}: every other session of the user. */
    ENDED_OTHERS,
    /** Removed by the per-user limit ({@link LimitPolicy#EVICT_OLDEST}) when a new session was created. */
    EVICTED
}
