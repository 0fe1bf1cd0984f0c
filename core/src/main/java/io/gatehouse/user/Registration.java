package io.gatehouse.user;

import java.util.Optional;

/**
 * What a client submits to register.
 *
 * @param email    the address as typed; normalised by {@link UserService#register(Registration)}
 * @param password the plain password; checked against the {@link PasswordPolicy}, then hashed
 * @param fullName the display name, if any (at most 200 characters, no control characters)
 */
public record Registration(String email, String password, Optional<String> fullName) {
    @Override
    public String toString() {
        return "Registration[email=" + email + ", password=****, fullName=" + fullName + "]";
    }
}
