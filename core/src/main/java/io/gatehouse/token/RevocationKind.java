package io.gatehouse.token;

/** What a revocation entry names. */
public enum RevocationKind {
    /** One token, by {@code jti}. */
    TOKEN('j'),
    /** Every token of a session ({@code sid}). */
    SESSION('s'),
    /** Every token of a refresh family ({@code fam}). */
    FAMILY('f'),
    /** Every token of a user ({@code sub}) issued before a "not before" instant. */
    USER('u');

    private final char code;

    RevocationKind(char code) {
        this.code = code;
    }

    /** One letter, as stored in the Redis stream. */
    char code() {
        return code;
    }

    static RevocationKind ofCode(char c) {
        for (RevocationKind k : values()) {
            if (k.code == c) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown revocation kind code " + c);
    }
}
