package io.gatehouse.backup;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.redis.RedisConnector;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Lets one instance of a fleet take each scheduled backup: the instance that sets
 * {@code <prefix>:backup:{lease}} ({@code SET NX PX}) first holds it for {@code hold}; nobody
 * releases it, so a fleet takes one backup per period and a crashed holder's lease runs out by itself.
 */
public final class BackupLease {
    private final RedisConnector redis;
    private final String key;
    private final String owner = UUID.randomUUID().toString();

    private BackupLease(RedisConnector redis) {
        this.redis = redis;
        this.key = redis.keys().key("backup", "lease");
    }

    /**
     * The lease kept in the first Redis deployment of {@code stores}.
     *
     * @throws BackupException when no Redis deployment is configured
     */
    public static BackupLease in(Stores stores) {
        List<RedisConnector> connectors = StoresRedis.connectors(stores);
        if (connectors.isEmpty()) {
            throw new BackupException("gatehouse.backup.schedule: no Redis deployment is configured to back up");
        }
        return new BackupLease(connectors.get(0));
    }

    /** True when this instance took the lease for {@code hold}; false when another instance holds it. */
    public boolean tryAcquire(Duration hold) {
        return "OK"
                .equals(redis.sync(c -> c.set(key, owner, SetArgs.Builder.nx().px(Math.max(1000, hold.toMillis())))));
    }
}
