package io.gatehouse.session;

/**
 * The format in which an instance writes session entries ({@code gatehouse.sessions.entry-format}). Both are
 * always read; the setting exists for rolling upgrades from versions that know only the text format (see
 * docs/SESSIONS.md, "Record formats and upgrading").
 */
public enum EntryFormat {
    /** 57-60 bytes for a login, no leading newline in a user's value: the default. */
    COMPACT("compact"),
    /**
     * The format of versions before the compact one (about 76 bytes for a login, a newline before every
     * entry, user agents named by their plain SHA-256), which those versions can read and keep: for the
     * time old and new instances share one Redis.
     */
    TEXT("text");

    private final String key;

    EntryFormat(String key) {
        this.key = key;
    }

    /** The configuration spelling: {@code compact} or {@code text}. */
    public String key() {
        return key;
    }
}
