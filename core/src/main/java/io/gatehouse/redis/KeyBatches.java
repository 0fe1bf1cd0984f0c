package io.gatehouse.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@link RedisConnection#evalBatches} splits keys into calls. */
final class KeyBatches {
    private KeyBatches() {}

    /**
     * {@code keys} in runs of at most {@code max}; with {@code bySlot}, each run holds keys of one Cluster
     * slot (the slots in order of first appearance, the keys of a slot in their order).
     */
    static List<List<String>> split(List<String> keys, int max, boolean bySlot) {
        List<List<String>> out = new ArrayList<>();
        if (!bySlot) {
            for (int i = 0; i < keys.size(); i += max) {
                out.add(keys.subList(i, Math.min(keys.size(), i + max)));
            }
            return out;
        }
        Map<Integer, List<String>> slots = new LinkedHashMap<>();
        for (String key : keys) {
            slots.computeIfAbsent(KeySpace.slot(key), s -> new ArrayList<>()).add(key);
        }
        for (List<String> same : slots.values()) {
            out.addAll(split(same, max, false));
        }
        return out;
    }

    static boolean sameSlot(List<String> keys) {
        for (int i = 1; i < keys.size(); i++) {
            if (KeySpace.slot(keys.get(i)) != KeySpace.slot(keys.get(0))) {
                return false;
            }
        }
        return true;
    }
}
