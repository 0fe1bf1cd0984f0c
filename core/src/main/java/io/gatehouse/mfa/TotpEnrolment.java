package io.gatehouse.mfa;

/**
 * A TOTP enrolment waiting for its first code. Shown once to the user; never logged.
 *
 * @param secret base32 (RFC 4648, no padding), for typing into an authenticator app
 * @param uri    the {@code otpauth://totp/...} URI authenticator apps read from a QR code
 */
public record TotpEnrolment(String secret, String uri) {
    @Override
    public String toString() {
        return "TotpEnrolment[secret=<hidden>]";
    }
}
