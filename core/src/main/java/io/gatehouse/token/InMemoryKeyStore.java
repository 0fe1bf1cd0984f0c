package io.gatehouse.token;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Keys held by one process only (tests, throw-away instances): a restart makes new keys. */
final class InMemoryKeyStore implements KeyStore {
    private final Map<String, String> records = new LinkedHashMap<>();
    private String active;

    @Override
    public synchronized Snapshot load() {
        return new Snapshot(records, Optional.ofNullable(active));
    }

    @Override
    public synchronized String rotate(Optional<String> expectedActive, String kid, String record) {
        if (!expectedActive.equals(Optional.ofNullable(active))) {
            return active;
        }
        records.put(kid, record);
        active = kid;
        return kid;
    }

    @Override
    public synchronized void remove(Collection<String> kids) {
        kids.stream().filter(k -> !k.equals(active)).forEach(records::remove);
    }

    @Override
    public String describe() {
        return "memory";
    }
}
