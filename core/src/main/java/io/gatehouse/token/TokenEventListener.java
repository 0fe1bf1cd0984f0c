package io.gatehouse.token;

import java.time.Instant;

/**
 * Hears what the token service does, for the security event log and metrics. Called on the thread
 * that did the work (reuse: the refreshing thread); keep it quick and do not throw (an exception is
 * logged and ignored). Every method has a no-op default.
 */
public interface TokenEventListener {

    /** A listener that does nothing. */
    TokenEventListener NONE = new TokenEventListener() {};

    /** Revocations written by this process (not the ones applied from other processes). */
    default void revoked(java.util.List<Revocation> revocations) {}

    /** A retired refresh token was presented after the grace window; its family and session are revoked. */
    default void reuseDetected(ReuseEvent event) {}

    /** This process made a new signing key active. */
    default void keyRotated(String newKeyId, Instant at) {}

    /** The revocation link changed state (for example HEALTHY to DEGRADED). */
    default void revocationLinkChanged(RevocationHealth health) {}
}
