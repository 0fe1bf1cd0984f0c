package io.gatehouse.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The signing key set of this process, a mirror of the KeyStore.
 *
 * Rotation: the new key is written and made active by a compare-and-set in the store; every instance
 * adopts the store's active key at its next reload (gatehouse.tokens.keys.reload-interval), and a
 * token whose kid is unknown triggers an early reload (at most one per second, so garbage kids cannot
 * hammer the store). A key stops signing when its successor is created and keeps verifying until the
 * last token it can have signed has expired: successor.created + reload interval (instances that had
 * not yet reloaded kept signing with it) + the longest token lifetime. Then it is removed from the
 * store and from the JWKS.
 */
final class KeyManager {
    private static final Logger log = LoggerFactory.getLogger(KeyManager.class);
    private static final long MISS_RELOAD_INTERVAL_MS = 1000;

    /** An immutable view: keys by kid, the active one, and the JWKS document of their public halves. */
    record KeySet(Map<String, SigningKey> byKid, SigningKey active, String jwks) {}

    private final KeyStore store;
    private final TokenSettings settings;
    private final Clock clock;
    private final byte[] encryptionKey;
    private final TokenEventListener listener;
    private final AtomicLong lastMissReload = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile KeySet current;

    KeyManager(KeyStore store, TokenSettings settings, Clock clock, TokenEventListener listener) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.encryptionKey = settings.keyEncryptionKey().orElse(null);
        this.listener = listener;
        reload();
        if (current == null) {
            rotate();
        }
    }

    SigningKey active() {
        return current.active();
    }

    KeySet current() {
        return current;
    }

    /** The key with this kid, reloading the set once if it is unknown (a rotation by another instance). */
    SigningKey find(String kid) {
        SigningKey k = current.byKid().get(kid);
        if (k != null) {
            return k;
        }
        long now = System.nanoTime() / 1_000_000;
        long last = lastMissReload.get();
        if (now - last >= MISS_RELOAD_INTERVAL_MS && lastMissReload.compareAndSet(last, now)) {
            try {
                reload();
            } catch (RuntimeException e) {
                log.warn("Reloading the token key set from {} failed: {}", store.describe(), e.toString());
            }
            return current.byKid().get(kid);
        }
        return null;
    }

    /** Reads the store; parses only records not seen before. */
    synchronized void reload() {
        KeyStore.Snapshot snap = store.load();
        if (snap.activeKid().isEmpty()) {
            return;
        }
        KeySet before = current;
        Map<String, SigningKey> byKid = new LinkedHashMap<>();
        snap.records().forEach((kid, record) -> {
            SigningKey known = before == null ? null : before.byKid().get(kid);
            byKid.put(
                    kid, known != null ? known : SigningKey.fromRecord(record, encryptionKey, settings.es256Engine()));
        });
        SigningKey active = byKid.get(snap.activeKid().get());
        if (active == null) {
            throw new IllegalStateException("the token key store (" + store.describe() + ") names active key "
                    + snap.activeKid().get() + " but does not hold it");
        }
        current = new KeySet(Map.copyOf(byKid), active, jwksOf(byKid.values()));
    }

    /** Generates a key and makes it active unless another instance rotated first; returns the active kid. */
    synchronized String rotate() {
        Optional<String> expected =
                Optional.ofNullable(current).map(k -> k.active().kid());
        Instant now = clock.instant();
        SigningKey fresh = SigningKey.generate(settings.algorithm(), now, settings.es256Engine());
        String winner = store.rotate(expected, fresh.kid(), fresh.toRecord(encryptionKey));
        reload();
        if (fresh.kid().equals(winner)) {
            log.info(
                    "Token signing key rotated: {} ({}) now signs; stored in {}",
                    fresh.kid(),
                    settings.algorithm(),
                    store.describe());
            try {
                listener.keyRotated(fresh.kid(), now);
            } catch (RuntimeException e) {
                log.warn("Token event listener failed on keyRotated", e);
            }
        }
        return current.active().kid();
    }

    /**
     * Removes a key that no longer signs, now rather than when its last token expires. Refused for the
     * active key, and, unless {@code force}, while tokens it signed may still be valid.
     */
    synchronized KeyRetirement retire(String kid, boolean force) {
        reload();
        SigningKey key = current.byKid().get(kid);
        if (key == null) {
            return new KeyRetirement(kid, KeyRetirement.Outcome.UNKNOWN, Optional.empty());
        }
        if (key == current.active()) {
            return new KeyRetirement(kid, KeyRetirement.Outcome.ACTIVE, Optional.empty());
        }
        Instant lastExpiry = lastExpiry(key);
        if (!force && lastExpiry.isAfter(clock.instant())) {
            return new KeyRetirement(kid, KeyRetirement.Outcome.TOKENS_MAY_BE_VALID, Optional.of(lastExpiry));
        }
        store.remove(List.of(kid));
        reload();
        log.warn(
                "Token key {} retired{}: tokens it signed are refused from now on here, and by every other "
                        + "instance from its next key reload",
                kid,
                lastExpiry.isAfter(clock.instant()) ? " by force before its tokens expired (" + lastExpiry + ")" : "");
        return new KeyRetirement(kid, KeyRetirement.Outcome.RETIRED, Optional.of(lastExpiry));
    }

    /**
     * When the last token {@code key} can have signed expires: its successor's creation (when it stopped
     * signing) + the reload interval (instances that had not reloaded kept signing) + the longest token
     * lifetime. For the active key: never (the far future).
     */
    private Instant lastExpiry(SigningKey key) {
        // A successor is any other key created at the same time or later (keys rotated within one clock tick tie).
        return current.byKid().values().stream()
                .filter(k -> k != key && !k.created().isBefore(key.created()))
                .map(SigningKey::created)
                .min(Comparator.naturalOrder())
                .map(retired -> retired.plus(settings.keyReloadInterval()).plus(settings.maxTokenLifetime()))
                .orElse(Instant.MAX);
    }

    /** Periodic work: reload, rotate when the active key is older than the rotation period, drop dead keys. */
    void maintain() {
        reload();
        Instant now = clock.instant();
        if (current.active().created().plus(settings.keyRotateEvery()).isBefore(now)) {
            rotate();
        }
        List<SigningKey> byAge = new ArrayList<>(current.byKid().values());
        byAge.sort(Comparator.comparing(SigningKey::created));
        List<String> dead = new ArrayList<>();
        for (int i = 0; i + 1 < byAge.size(); i++) {
            if (lastExpiry(byAge.get(i)).isBefore(now) && byAge.get(i) != current.active()) {
                dead.add(byAge.get(i).kid());
            }
        }
        if (!dead.isEmpty()) {
            store.remove(dead);
            log.info("Token keys {} removed: every token they signed has expired", dead);
            reload();
        }
    }

    String describeStore() {
        return store.describe();
    }

    private static String jwksOf(Iterable<SigningKey> keys) {
        List<Object> list = new ArrayList<>();
        keys.forEach(k -> list.add(k.publicJwk()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("keys", list);
        return JSONObjectUtils.toJSONString(doc);
    }
}
