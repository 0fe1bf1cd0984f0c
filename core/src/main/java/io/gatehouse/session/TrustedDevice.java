package io.gatehouse.session;

import java.time.Instant;
import java.util.Optional;

/**
 * A device marked trusted (for example after a second factor), until {@link #trustedUntil}.
 *
 * @param deviceId     keyed hash of the device fingerprint
 * @param trustedAt    when it was marked
 * @param trustedUntil when the trust ends by itself
 * @param userAgent    the user agent known for it when it was marked
 */
public record TrustedDevice(String deviceId, Instant trustedAt, Instant trustedUntil, Optional<String> userAgent) {}
