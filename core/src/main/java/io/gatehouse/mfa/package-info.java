/**
 * Second factors: TOTP (RFC 6238) with recovery codes, and the short-lived state of a login that waits
 * for its second factor. Entry point: {@link io.gatehouse.mfa.SecondFactors}.
 *
 * <p>Secrets and recovery-code hashes live in the user database (they must outlive any Redis flush or
 * failover: losing them would lock users out or silently drop their second factor); what is short-lived
 * and single-use (login challenges with their attempt counter, the last accepted TOTP time step of each
 * user) lives in the sessions store, shared by every instance.
 */
package io.gatehouse.mfa;
