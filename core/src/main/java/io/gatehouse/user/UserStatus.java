package io.gatehouse.user;

import java.util.Locale;

/** Whether a user may log in. */
public enum UserStatus {
    /** May log in. */
    ACTIVE,
    /** May not log in; every token of the user is revoked when suspended. */
    SUSPENDED;

    /** The lower-case name used in the database and in JSON: {@code active}, {@code suspended}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named by {@link #label()}. */
    public static UserStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
