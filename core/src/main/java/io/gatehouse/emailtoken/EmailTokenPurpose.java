package io.gatehouse.emailtoken;

/** What a mailed token proves; a token of one purpose is never accepted for another. */
public enum EmailTokenPurpose {
    /** The recipient receives mail at the address: verifies it. */
    VERIFY_EMAIL("verify"),
    /** The recipient may set a new password without the old one. */
    PASSWORD_RESET("reset");

    private final String code;

    EmailTokenPurpose(String code) {
        this.code = code;
    }

    /** The short name in the token's key, e.g. {@code reset}. */
    public String code() {
        return code;
    }
}
