package io.gatehouse.token;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Where the signing key set is persisted, so every instance and every restart agree on it. Keys are
 * stored as opaque records ({@link SigningKey#toRecord}), already sealed when encryption at rest is on.
 *
 * <p>Implementations: {@link FileKeyStore} (embedded default, under the data directory),
 * {@link RedisKeyStore} (production) and {@link InMemoryKeyStore} (one process, tests).
 */
interface KeyStore {

    /** The stored records by kid, and the kid of the active (signing) key. */
    record Snapshot(Map<String, String> records, Optional<String> activeKid) {
        public Snapshot {
            records = Map.copyOf(records);
        }
    }

    Snapshot load();

    /**
     * Makes {@code record} (key {@code kid}) the active key, if and only if the active key is still
     * {@code expectedActive} (empty: no key yet). This is the compare-and-set that makes concurrent
     * instances agree: one wins, the others read the winner's key.
     *
     * @return the kid that is active afterwards: {@code kid} if this call won, else the winner's
     */
    String rotate(Optional<String> expectedActive, String kid, String record);

    /** Forgets keys that verify nothing any more. Never removes the active key. */
    void remove(Collection<String> kids);

    /** Where the keys are, for messages ({@code file /data/token-keys.json}, {@code redis ...}). */
    String describe();
}
