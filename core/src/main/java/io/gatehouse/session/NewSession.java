package io.gatehouse.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a login knows about the session it opens. Build it with {@link #forUser(String)}:
 *
 * <pre>{@code
 * Session s = sessions.create(NewSession.forUser("u42")
 *         .ip("203.0.113.7")
 *         .userAgent(request.header("User-Agent"))
 *         .fingerprint(deviceCookie)
 *         .attribute("locale", "en-GB")
 *         .build());
 * }</pre>
 *
 * Validation happens in {@link SessionStore#create}: bad values fail with {@link SessionInputException}.
 */
public final class NewSession {
    private final String userId;
    private final Optional<String> ip;
    private final Optional<String> userAgent;
    private final Optional<String> fingerprint;
    private final Map<String, String> attributes;

    private NewSession(Builder b) {
        this.userId = b.userId;
        this.ip = b.ip;
        this.userAgent = b.userAgent;
        this.fingerprint = b.fingerprint;
        this.attributes = Map.copyOf(b.attributes);
    }

    /** Starts a new session description for {@code userId}. */
    public static Builder forUser(String userId) {
        return new Builder(Objects.requireNonNull(userId, "userId"));
    }

    public String userId() {
        return userId;
    }

    public Optional<String> ip() {
        return ip;
    }

    public Optional<String> userAgent() {
        return userAgent;
    }

    /** A stable device identifier from the client (device cookie, client fingerprint); stored only as a keyed hash. */
    public Optional<String> fingerprint() {
        return fingerprint;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    /** Collects the parts of a {@link NewSession}. */
    public static final class Builder {
        private final String userId;
        private Optional<String> ip = Optional.empty();
        private Optional<String> userAgent = Optional.empty();
        private Optional<String> fingerprint = Optional.empty();
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder(String userId) {
            this.userId = userId;
        }

        /** The client's IPv4 or IPv6 address, as a literal (no host names). */
        public Builder ip(String ip) {
            this.ip = Optional.of(Objects.requireNonNull(ip, "ip"));
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Optional.of(Objects.requireNonNull(userAgent, "userAgent"));
            return this;
        }

        public Builder fingerprint(String fingerprint) {
            this.fingerprint = Optional.of(Objects.requireNonNull(fingerprint, "fingerprint"));
            return this;
        }

        /** Adds an attribute: key 1-64 of {@code [A-Za-z0-9._-]}, value at most 256 characters. */
        public Builder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder attributes(Map<String, String> attributes) {
            attributes.forEach(this::attribute);
            return this;
        }

        public NewSession build() {
            return new NewSession(this);
        }
    }
}
