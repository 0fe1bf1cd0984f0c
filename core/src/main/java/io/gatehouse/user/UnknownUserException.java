package io.gatehouse.user;

/** No user has this id; nothing was changed. */
public final class UnknownUserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownUserException(String userId) {
        super("no user with id " + userId);
    }
}
