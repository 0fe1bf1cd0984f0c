package io.gatehouse.user;

/** The outcome of {@link UserService#authenticate(String, String)}. */
public sealed interface AuthenticationResult {

    /** The password is right and the user is active. */
    record Authenticated(User user) implements AuthenticationResult {}

    /**
     * Not logged in. {@link Reason#SUSPENDED} is only reported after the password was verified, so it tells
     * nothing to someone who does not know the password.
     */
    record Rejected(Reason reason) implements AuthenticationResult {}

    /** Why a login was rejected. */
    enum Reason {
        /** Unknown email or wrong password: deliberately indistinguishable. */
        INVALID_CREDENTIALS,
        /** Right password, but the user is suspended. */
        SUSPENDED,
        /** Right password, but the address is not verified and {@code gatehouse.users.require-verified-email} is on. */
        EMAIL_UNVERIFIED
    }
}
