package io.gatehouse.event;

import io.gatehouse.error.InvalidInputException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One thing that happened to an account: immutable, built with {@link #builder(EventType)}.
 *
 * <p>The builder validates identifiers (event id, user, session) and refuses bad ones with an
 * {@link IllegalArgumentException}, because they become parts of Redis keys; free text that an attacker
 * controls (user agent, reason, detail values) is truncated instead of refused, so that recording an
 * attack never fails. Never put secrets or whole tokens in {@code details}: events are exported to SIEMs.
 */
public final class SecurityEvent {
    /** Longest user agent kept; longer ones are cut (they are attacker-controlled). */
    public static final int MAX_USER_AGENT = 512;
    // Compiled once: String.matches compiles its pattern on every call, a measurable cost per event.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern IP = Pattern.compile("[0-9A-Za-z.:%\\[\\]_-]+");
    private static final Pattern DETAIL_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Longest reason kept. */
    public static final int MAX_REASON = 256;
    /** Most detail entries. */
    public static final int MAX_DETAILS = 16;
    /** Longest detail value kept. */
    public static final int MAX_DETAIL_VALUE = 256;

    private final String id;
    private final Instant time;
    private final EventType type;
    private final Severity severity;
    private final String user;
    private final String session;
    private final String ip;
    private final String userAgent;
    private final String reason;
    private final Map<String, String> details;

    private SecurityEvent(Builder b) {
        if (b.id == null || b.time == null) {
            throw new IllegalStateException("a " + b.type.code() + " event needs its id and time: pass the builder to"
                    + " SecurityEvents.record, which assigns them, or set both");
        }
        this.id = b.id;
        // Stores keep milliseconds: an event reads back equal to what was recorded.
        this.time = b.time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        this.type = b.type;
        this.severity = b.severity != null ? b.severity : b.type.defaultSeverity();
        this.user = b.user;
        this.session = b.session;
        this.ip = b.ip;
        this.userAgent = b.userAgent;
        this.reason = b.reason;
        this.details = b.details.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
    }

    /** Starts an event of this type; its severity defaults to {@link EventType#defaultSeverity()}. */
    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** A builder holding this event's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(type).id(id).time(time).severity(severity);
        b.user = user;
        b.session = session;
        b.ip = ip;
        b.userAgent = userAgent;
        b.reason = reason;
        b.details.putAll(details);
        return b;
    }

    /**
     * The unique id (a 26-character, time-ordered ULID unless the builder set one). Storage is
     * idempotent by this id: recording or replaying the same event twice stores it once.
     */
    public String id() {
        return id;
    }

    /** When it happened (from the event log's clock when the builder did not set it), in milliseconds. */
    public Instant time() {
        return time;
    }

    public EventType type() {
        return type;
    }

    public Severity severity() {
        return severity;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> session() {
        return Optional.ofNullable(session);
    }

    public Optional<String> ip() {
        return Optional.ofNullable(ip);
    }

    public Optional<String> userAgent() {
        return Optional.ofNullable(userAgent);
    }

    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** Small key/value context (at most {@value #MAX_DETAILS} entries), in insertion order. */
    public Map<String, String> details() {
        return details;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityEvent e
                && Objects.equals(id, e.id)
                && Objects.equals(time, e.time)
                && type == e.type
                && severity == e.severity
                && Objects.equals(user, e.user)
                && Objects.equals(session, e.session)
                && Objects.equals(ip, e.ip)
                && Objects.equals(userAgent, e.userAgent)
                && Objects.equals(reason, e.reason)
                && details.equals(e.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, time, type, severity, user, session);
    }

    @Override
    public String toString() {
        return "SecurityEvent[" + id + " " + time + " " + type.code() + " " + severity
                + (user != null ? " user=" + user : "") + (session != null ? " session=" + session : "") + "]";
    }

    /**
     * Collects an event's fields. Hand it to {@link SecurityEvents#record(Builder)}, which assigns the id and
     * time the builder leaves unset; {@link #build()} is for events that already have both (imports, replays,
     * tests). Not thread-safe.
     */
    public static final class Builder {
        private final EventType type;
        private String id;
        private Instant time;
        private Severity severity;
        private String user;
        private String session;
        private String ip;
        private String userAgent;
        private String reason;
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(EventType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** Sets the id (normally left to the recorder): 1 to 64 of {@code A-Z a-z 0-9 . _ : -}. */
        public Builder id(String id) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("an event id must be 1 to 64 of A-Z a-z 0-9 . _ : -");
            }
            this.id = id;
            return this;
        }

        /** Sets the time (normally left to the recorder's clock). */
        public Builder time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        /** The account concerned; it indexes the event (1 to 256 characters, no braces, spaces or control characters). */
        public Builder user(String user) {
            this.user = identifier("user", user);
            return this;
        }

        /** The session concerned (same rules as the user id). */
        public Builder session(String session) {
            this.session = identifier("session", session);
            return this;
        }

        /** The client address as text (IPv4 or IPv6; at most 64 characters). */
        public Builder ip(String ip) {
            if (ip == null
                    || ip.isEmpty()
                    || ip.length() > 64
                    || !IP.matcher(ip).matches()) {
                throw new InvalidInputException("an IP address must be 1 to 64 characters of an IPv4 or IPv6 address");
            }
            this.ip = ip;
            return this;
        }

        /** The client's User-Agent header; cut to {@value SecurityEvent#MAX_USER_AGENT} characters. */
        public Builder userAgent(String userAgent) {
            this.userAgent = emptyToNull(text(userAgent, MAX_USER_AGENT));
            return this;
        }

        /** Why it happened, e.g. {@code bad_password}; cut to {@value SecurityEvent#MAX_REASON} characters. */
        public Builder reason(String reason) {
            this.reason = emptyToNull(text(reason, MAX_REASON));
            return this;
        }

        /**
         * Adds one detail. Keys are 1 to 64 of {@code A-Z a-z 0-9 . _ -}; values are cut to
         * {@value SecurityEvent#MAX_DETAIL_VALUE} characters; at most {@value SecurityEvent#MAX_DETAILS} entries.
         */
        public Builder detail(String key, String value) {
            if (key == null || !DETAIL_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("a detail key must be 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            Objects.requireNonNull(value, "value");
            if (!details.containsKey(key) && details.size() >= MAX_DETAILS) {
                throw new IllegalArgumentException("an event has at most " + MAX_DETAILS + " details");
            }
            details.put(key, text(value, MAX_DETAIL_VALUE));
            return this;
        }

        /** Adds every entry of {@code more} as {@link #detail(String, String)} does. */
        public Builder details(Map<String, String> more) {
            more.forEach(this::detail);
            return this;
        }

        /**
         * The event, once {@link #id(String)} and {@link #time(Instant)} are set.
         *
         * @throws IllegalStateException when the id or the time is missing (recording assigns them: an event
         *     never exists without them)
         */
        public SecurityEvent build() {
            return new SecurityEvent(this);
        }

        EventType type() {
            return type;
        }

        boolean hasId() {
            return id != null;
        }

        Instant timeOrElse(java.time.Clock clock) {
            return time != null ? time : clock.instant();
        }

        boolean hasDetail(String key) {
            return details.containsKey(key);
        }

        int detailCount() {
            return details.size();
        }

        /** A copy, so that recording never changes the caller's builder. */
        Builder copy() {
            Builder b = new Builder(type);
            b.id = id;
            b.time = time;
            b.severity = severity;
            b.user = user;
            b.session = session;
            b.ip = ip;
            b.userAgent = userAgent;
            b.reason = reason;
            b.details.putAll(details);
            return b;
        }

        /** The id as given, or an {@link InvalidInputException}: ids become parts of Redis keys. */
        static String identifier(String what, String s) {
            if (s == null || s.isEmpty() || s.length() > 256) {
                throw new InvalidInputException("a " + what + " id must be 1 to 256 characters");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '{' || c == '}' || c <= ' ' || c == 0x7f) {
                    throw new InvalidInputException(
                            "a " + what + " id may not contain braces, spaces or control characters");
                }
            }
            return s;
        }

        private static boolean clean(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < ' ' || c == 0x7f) {
                    return false;
                }
            }
            return true;
        }

        private static String emptyToNull(String s) {
            return s.isEmpty() ? null : s;
        }

        private static String text(String s, int max) {
            Objects.requireNonNull(s);
            if (s.length() <= max && clean(s)) {
                return s;
            }
            StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
            for (int i = 0; i < s.length() && sb.length() < max; i++) {
                char c = s.charAt(i);
                // Control characters would forge lines in logs and SIEM exports: replace them.
                sb.append(c < ' ' || c == 0x7f ? '?' : c);
            }
            return sb.toString();
        }
    }
}
