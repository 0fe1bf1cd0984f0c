package io.gatehouse.spring.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.session.Session;

/**
 * A Spring {@link Session} backed by a Gatehouse session. It records which attributes changed so that a save
 * writes only those (one script), and whether the Gatehouse session must be replaced: Gatehouse session ids
 * carry their user, so when the principal changes (login) or {@link #changeSessionId()} is asked, the save
 * creates a new Gatehouse session for the principal and ends the old one; {@link #getId()} then answers the
 * new id, which Spring Session's filter writes into the cookie.
 */
public final class GatehouseSession implements Session {
    private String id;
    private String owner;
    private boolean persisted;
    private final Instant creationTime;
    private Instant lastAccessedTime;
    private Duration maxInactiveInterval;
    private final Map<String, Object> attributes;
    private final Set<String> changed = new HashSet<>();
    private final Set<String> removed = new HashSet<>();
    private boolean replace;

    GatehouseSession(
            String id,
            String owner,
            boolean persisted,
            Instant creationTime,
            Instant lastAccessedTime,
            Duration maxInactiveInterval,
            Map<String, Object> attributes) {
        this.id = id;
        this.owner = owner;
        this.persisted = persisted;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.maxInactiveInterval = maxInactiveInterval;
        this.attributes = new LinkedHashMap<>(attributes);
    }

    @Override
    public String getId() {
        return id;
    }

    /** The user the Gatehouse session belongs to (an anonymous placeholder before login). */
    public String owner() {
        return owner;
    }

    /**
     * Marks the session for replacement at the next save, where its id changes; returns the id it has until
     * then (Gatehouse picks the new id when it creates the session).
     */
    @Override
    public String changeSessionId() {
        replace = true;
        return id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getAttribute(String name) {
        return (T) attributes.get(name);
    }

    @Override
    public Set<String> getAttributeNames() {
        return new HashSet<>(attributes.keySet());
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            removeAttribute(name);
            return;
        }
        attributes.put(name, value);
        changed.add(name);
        removed.remove(name);
    }

    @Override
    public void removeAttribute(String name) {
        if (attributes.remove(name) != null || persisted) {
            removed.add(name);
            changed.remove(name);
        }
    }

    @Override
    public Instant getCreationTime() {
        return creationTime;
    }

    @Override
    public void setLastAccessedTime(Instant lastAccessedTime) {
        this.lastAccessedTime = lastAccessedTime;
    }

    @Override
    public Instant getLastAccessedTime() {
        return lastAccessedTime;
    }

    /** Kept for the servlet API; the idle timeout that applies is {@code gatehouse.sessions.idle-timeout}. */
    @Override
    public void setMaxInactiveInterval(Duration interval) {
        this.maxInactiveInterval = interval;
    }

    @Override
    public Duration getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public boolean isExpired() {
        return false;
    }

    boolean persisted() {
        return persisted;
    }

    boolean replaceRequested() {
        return replace;
    }

    Map<String, Object> attributes() {
        return attributes;
    }

    Map<String, Object> changedAttributes() {
        Map<String, Object> out = new HashMap<>();
        changed.forEach(n -> out.put(n, attributes.get(n)));
        return out;
    }

    Set<String> removedAttributes() {
        return removed;
    }

    boolean dirty() {
        return !changed.isEmpty() || !removed.isEmpty();
    }

    /** After a save: the Gatehouse session now stored under {@code newId} for {@code newOwner}. */
    void saved(String newId, String newOwner) {
        this.id = newId;
        this.owner = newOwner;
        this.replace = false;
        this.persisted = true;
        changed.clear();
        removed.clear();
    }
}
