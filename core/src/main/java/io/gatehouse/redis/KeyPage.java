package io.gatehouse.redis;

import java.util.List;
import java.util.Optional;

/**
 * One page of a resumable key walk ({@link RedisConnector#scanPage}).
 *
 * @param keys the keys found (possibly none: SCAN may return an empty page before the end)
 * @param next where the walk continues, a plain string a caller may store and hand back later, even to
 *             another process; empty when the walk is over
 */
public record KeyPage(List<String> keys, Optional<String> next) {
    public KeyPage {
        keys = List.copyOf(keys);
    }
}
