package io.gatehouse.session;

/** What creating a session does when the user already has the maximum number of live sessions. */
public enum LimitPolicy {
    /** End the session seen least recently (its tokens are revoked through {@link SessionListener}). */
    EVICT_OLDEST("evict-oldest"),
    /** Refuse the new session with {@link SessionLimitExceededException}. */
    REFUSE("refuse");

    private final String key;

    LimitPolicy(String key) {
        this.key = key;
    }

    /** The configuration spelling: {@code evict-oldest} or {@code refuse}. */
    public String key() {
        return key;
    }
}
