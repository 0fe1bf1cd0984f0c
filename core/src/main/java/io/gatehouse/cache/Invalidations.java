package io.gatehouse.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The invalidation channel of one Caches factory: every write publishes "<instance> <cache> k <key>"
 * (or "g <group>") atomically with the write, and every instance drops its near copy on receipt.
 *
 * Pub/Sub is lossy: messages published while this instance's subscription is down are gone. So the
 * instance publishes a heartbeat to itself every interval; the near caches serve only while the last
 * heartbeat was heard less than three intervals ago, and when heartbeats are heard again after such a
 * gap, every near cache is cleared (whatever was missed in the gap is dropped with it). A lost
 * subscription therefore costs near-cache hits, never correctness beyond the detection window.
 *
 * Heartbeats also name the caches that have a near cache in the sending instance. A loader's write of
 * a key publishes only when someone needs the message: a caller waiting on the lease (the store
 * script knows), or a near cache anywhere that may hold an older copy of the key (a key can vanish
 * from Redis without a delete: eviction, failover). This instance tells the latter from
 * nearCachesMayHold(cache): a near cache of its own, or one another instance has ever named, or
 * "not sure yet" (it has not heard its own heartbeats continuously for three intervals, so it may not
 * have heard every other instance's). A near cache serves only after this instance heard its own
 * heartbeat naming it, i.e. after every subscribed instance was sent its name.
 */
final class Invalidations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Invalidations.class);
    static final String KEY = "k";
    static final String GROUP = "g";
    /** Every entry of the cache was removed ({@link Caches#clear}): near caches drop all they hold. */
    static final String CLEAR = "c";

    private static final String HEARTBEAT = "h";

    /** What a cache does with a message from another instance. */
    interface Listener {
        /** {@code mine}: this instance wrote it (the near cache already knows; only waiters care). */
        void onKey(String key, boolean mine);

        void onGroup(String group);

        void clearNear();

        /** This instance's heartbeat naming the cache's near cache was heard: it may serve now. */
        void onNearAnnounced();
    }

    private final String instance;
    private final CacheBackend backend;
    private final long heartbeatNanos;
    private final Map<String, Listener> caches = new ConcurrentHashMap<>();
    private volatile long lastHeard;
    /** Since when this instance's own heartbeats have been heard without a gap. */
    private volatile long liveSince;

    private final Set<String> nearHere = ConcurrentHashMap.newKeySet();
    private final Set<String> nearElsewhere = ConcurrentHashMap.newKeySet();
    private volatile AutoCloseable subscription;
    private volatile ScheduledFuture<?> heartbeats;
    private final ScheduledExecutorService scheduler;

    Invalidations(String instance, CacheBackend backend, Duration heartbeat, ScheduledExecutorService scheduler) {
        this.instance = instance;
        this.backend = backend;
        this.heartbeatNanos = heartbeat.toNanos();
        this.scheduler = scheduler;
    }

    String instance() {
        return instance;
    }

    /** Subscribes (the factory calls this once). */
    void start() {
        subscription = backend.subscribe(this::onMessage);
    }

    void register(String cache, Listener listener) {
        caches.put(cache, listener);
    }

    /** Starts heartbeats (the factory calls this once). */
    synchronized void startHeartbeats() {
        if (heartbeats == null) {
            heartbeats = scheduler.scheduleWithFixedDelay(this::beat, 0, heartbeatNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A near cache exists here for {@code cache}: announce it now rather than at the next beat. */
    void registerNear(String cache) {
        nearHere.add(cache);
        try {
            scheduler.execute(this::beat);
        } catch (RuntimeException e) {
            log.debug("near cache announcement not scheduled: {}", e.toString());
        }
    }

    /**
     * Whether a near cache in any instance may hold a copy of this cache's keys, so that a loader's
     * write must publish even without waiters. True when unsure.
     */
    boolean nearCachesMayHold(String cache) {
        if (nearHere.contains(cache) || nearElsewhere.contains(cache)) {
            return true;
        }
        long now = System.nanoTime();
        long heard = lastHeard;
        return heard == 0 || now - heard >= 3 * heartbeatNanos || now - liveSince < 3 * heartbeatNanos;
    }

    private void beat() {
        try {
            backend.publish(message("-", HEARTBEAT, nearHere.isEmpty() ? "-" : String.join(",", nearHere)));
        } catch (RuntimeException e) {
            log.debug("cache heartbeat not published: {}", e.toString());
        }
    }

    /** Whether messages are known to arrive: near caches serve only then. */
    boolean live() {
        long heard = lastHeard;
        return heard != 0 && System.nanoTime() - heard < 3 * heartbeatNanos;
    }

    String message(String cache, String type, String arg) {
        return instance + ' ' + cache + ' ' + type + ' ' + arg;
    }

    void onMessage(String message) {
        String[] parts = message.split(" ", 4);
        if (parts.length != 4) {
            return;
        }
        boolean mine = parts[0].equals(instance);
        if (HEARTBEAT.equals(parts[2])) {
            if (mine) {
                heard(parts[3]);
            } else if (!"-".equals(parts[3])) {
                // Kept for the life of this instance: forgetting it could skip a needed message.
                for (String cache : parts[3].split(",")) {
                    nearElsewhere.add(cache);
                }
            }
            return;
        }
        Listener cache = caches.get(parts[1]);
        if (cache == null) {
            return;
        }
        if (KEY.equals(parts[2])) {
            // Also our own: wakes this instance's threads waiting for another instance's load.
            cache.onKey(parts[3], mine);
        } else if (GROUP.equals(parts[2]) && !mine) {
            cache.onGroup(parts[3]);
        } else if (CLEAR.equals(parts[2])) {
            cache.clearNear();
        }
    }

    private void heard(String nearNames) {
        long now = System.nanoTime();
        long before = lastHeard;
        if (before == 0 || now - before >= 3 * heartbeatNanos) {
            if (before != 0) {
                log.info(
                        "cache invalidations were not received for {} ms: near caches cleared",
                        TimeUnit.NANOSECONDS.toMillis(now - before));
                caches.values().forEach(Listener::clearNear);
            }
            liveSince = now;
        }
        lastHeard = now;
        if (!"-".equals(nearNames)) {
            for (String cache : nearNames.split(",")) {
                Listener l = caches.get(cache);
                if (l != null) {
                    l.onNearAnnounced();
                }
            }
        }
    }

    /** Called on store errors: the subscription may have missed messages while the link was down. */
    void suspect() {
        if (lastHeard != 0) {
            lastHeard = System.nanoTime() - 3 * heartbeatNanos;
            caches.values().forEach(Listener::clearNear);
        }
    }

    @Override
    public void close() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("cache unsubscribe failed", e);
            }
        }
    }
}
