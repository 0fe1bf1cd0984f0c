package io.gatehouse.event;

import io.gatehouse.error.InvalidInputException;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What to read: optionally one user's events, some types, a minimum severity and a time range
 * {@code [from, to)}; newest first, at most {@link #limit()} per page. Continue with
 * {@link EventPage#nextCursor()} passed to {@link Builder#cursor(String)} with the same filters.
 */
public final class EventQuery {
    /** Largest page. */
    public static final int MAX_LIMIT = 1000;

    private final String user;
    private final Set<EventType> types;
    private final Severity minSeverity;
    private final Instant from;
    private final Instant to;
    private final int limit;
    private final String cursor;

    private EventQuery(Builder b) {
        this.user = b.user;
        this.types = Collections.unmodifiableSet(
                b.types.isEmpty() ? EnumSet.allOf(EventType.class) : EnumSet.copyOf(b.types));
        this.minSeverity = b.minSeverity;
        this.from = b.from;
        this.to = b.to;
        this.limit = b.limit;
        this.cursor = b.cursor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The last {@code n} events of {@code user}, newest first. */
    public static EventQuery lastOf(String user, int n) {
        return builder().user(user).limit(n).build();
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The types wanted (every type when none was named). */
    public Set<EventType> types() {
        return types;
    }

    public Severity minSeverity() {
        return minSeverity;
    }

    /** Inclusive lower bound on the event time. */
    public Optional<Instant> from() {
        return Optional.ofNullable(from);
    }

    /** Exclusive upper bound on the event time. */
    public Optional<Instant> to() {
        return Optional.ofNullable(to);
    }

    public int limit() {
        return limit;
    }

    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    /** Whether an event matches the filters (not the paging). */
    public boolean matches(SecurityEvent e) {
        return types.contains(e.type())
                && e.severity().atLeast(minSeverity)
                && (from == null || !e.time().isBefore(from))
                && (to == null || e.time().isBefore(to))
                && (user == null || user.equals(e.user().orElse(null)));
    }

    /** Collects the filters. */
    public static final class Builder {
        private String user;
        private final Set<EventType> types = EnumSet.noneOf(EventType.class);
        private Severity minSeverity = Severity.INFO;
        private Instant from;
        private Instant to;
        private int limit = 50;
        private String cursor;

        private Builder() {}

        /** Only this user's events (read from the user's own index). */
        public Builder user(String user) {
            this.user = SecurityEvent.Builder.identifier("user", user);
            return this;
        }

        /** Only these types; may be called repeatedly (adds). */
        public Builder types(EventType... types) {
            Collections.addAll(this.types, types);
            return this;
        }

        public Builder minSeverity(Severity minSeverity) {
            this.minSeverity = Objects.requireNonNull(minSeverity);
            return this;
        }

        /** Events at or after {@code from}. */
        public Builder from(Instant from) {
            this.from = Objects.requireNonNull(from);
            return this;
        }

        /** Events before {@code to}. */
        public Builder to(Instant to) {
            this.to = Objects.requireNonNull(to);
            return this;
        }

        /** Page size, 1 to {@value EventQuery#MAX_LIMIT} (default 50). */
        public Builder limit(int limit) {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new InvalidInputException("a page limit must be 1 to " + MAX_LIMIT + ", not " + limit);
            }
            this.limit = limit;
            return this;
        }

        /** Continues after the page that returned this cursor. */
        public Builder cursor(String cursor) {
            this.cursor = Objects.requireNonNull(cursor);
            return this;
        }

        public EventQuery build() {
            if (from != null && to != null && !from.isBefore(to)) {
                throw new InvalidInputException(
                        "an event query's from (" + from + ") must be before its to (" + to + ")");
            }
            return new EventQuery(this);
        }
    }
}
