package io.gatehouse.cache;

import java.time.Duration;
import java.util.Map;
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
 */
final class Invalidations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Invalidations.class);
    static final String KEY = "k";
    static final String GROUP = "g";
    private static final String HEARTBEAT = "h";

    /** What a cache does with a message from another instance. */
    interface Listener {
        /** {@code mine}: this instance wrote it (the near cache already knows; only waiters care). */
        void onKey(String key, boolean mine);

        void onGroup(String group);

        void clearNear();
    }

    private final String instance;
    private final CacheBackend backend;
    private final long heartbeatNanos;
    private final Map<String, Listener> caches = new ConcurrentHashMap<>();
    private volatile long lastHeard;
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

    /** Starts heartbeats; needed once the first near cache exists. */
    synchronized void startHeartbeats() {
        if (heartbeats == null) {
            heartbeats = scheduler.scheduleWithFixedDelay(this::beat, 0, heartbeatNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void beat() {
        try {
            backend.publish(message("-", HEARTBEAT, "-"));
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
                heard();
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
        }
    }

    private void heard() {
        long now = System.nanoTime();
        long before = lastHeard;
        if (before != 0 && now - before >= 3 * heartbeatNanos) {
            log.info("cache invalidations were not received for {} ms: near caches cleared",
                    TimeUnit.NANOSECONDS.toMillis(now - before));
            caches.values().forEach(Listener::clearNear);
        }
        lastHeard = now;
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
