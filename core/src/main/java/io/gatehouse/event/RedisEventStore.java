package io.gatehouse.event;

import io.gatehouse.redis.KeySpace;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.store.StoreCommandException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/*
 * Design note. Redis layout (prefix "gatehouse", see docs/EVENTS.md); n = shard of the event:
 *   gatehouse:ev:{g<n>}:log                 stream: shard n of the global log, full copy
 *   gatehouse:ev:{g<n>}:u:<user>            stream: one user's events, full copy
 *   gatehouse:ev:{g<n>}:counts:<yyyymmdd>   hash: t:<type> / s:<severity> counts of that shard and UTC day
 *   gatehouse:ev:{g<n>}:late                zset: ids of events of this shard stored out of order
 * A user's events live in the shard of hash(user) mod N (events without a user: hash(id) mod N), so the
 * user's stream shares the shard's hash tag: storing an event in both places is one script call, and a
 * whole batch is one call per shard (at most PER_CALL events each), all sent at once on the shared
 * connection and awaited together: a few round trips per thousand events instead of two per event.
 * An event's own stream id is <time ms>-<48-bit hash of its id>; the script's common case is one XADD
 * with that id per stream, and only when Redis refuses it as not above the top does it check whether the
 * event is stored already (idempotent retries and replays) or store it "late". Entries are packed into
 * one field (EventCodec). Keeping the full event in both streams costs memory (~2x) but makes every
 * query one XREVRANGE/XRANGE per stream, with no lookups.
 *
 * The shard count is part of the layout: changing global-shards moves users to other shards, whose
 * streams then start empty (the old ones expire with the retention).
 */
final class RedisEventStore extends StreamEventStore {
    static final RedisScript APPEND = RedisScript.load(RedisEventStore.class, "append.lua", RedisScript.Reply.INTEGER);
    /**
     * Events per script call. A call of 256 events runs for about a millisecond or two in Redis, short
     * enough not to hold up other clients, long enough that per-call overhead is a small share.
     */
    static final int PER_CALL = 256;

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final long DAY_MS = 86_400_000L;
    private static final Comparator<Pending> ORDER =
            Comparator.comparingLong(Pending::ms).thenComparingLong(Pending::seq);

    /** Users whose stream TTL was refreshed recently (how many to remember: a bound on memory). */
    private static final int TTL_MEMORY = 100_000;

    private final RedisConnector redis;
    private final KeySpace keys;
    private final List<String> shards;
    private final long ttlRefreshMs;
    /** User -> when this instance last refreshed the TTL of their stream. Only the writer thread writes. */
    private final Map<String, Long> ttlRefreshed = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > TTL_MEMORY;
        }
    };

    RedisEventStore(RedisConnector redis, EventSettings settings, Clock clock) {
        super(settings, clock);
        this.redis = redis;
        this.keys = redis.keys();
        List<String> s = new ArrayList<>();
        for (int i = 0; i < settings.globalShards(); i++) {
            s.add(keys.key("ev", "g" + i, "log"));
        }
        this.shards = List.copyOf(s);
        this.ttlRefreshMs = Math.min(DAY_MS, settings.retention().toMillis() / 10);
        try {
            // Saves the first batches a NOSCRIPT round trip; optional, since recording must start (and
            // spool) while Redis is down, and EVALSHA falls back to EVAL anyway.
            redis.preload(List.of(APPEND));
        } catch (StoreException e) {
            LoggerFactory.getLogger(RedisEventStore.class)
                    .debug("security events: script not preloaded: {}", e.toString());
        }
    }

    /** The stream of a user's events. */
    String userKey(String user) {
        return keys.key("ev", "g" + shardOf(user), "u", user);
    }

    private String lateKey(int shard) {
        return keys.key("ev", "g" + shard, "late");
    }

    /**
     * The sequence part of an event's own stream id: 48 bits of a 64-bit FNV-1a hash of its id (48 bits
     * so that Lua's doubles hold it exactly). Two events of one millisecond collide with odds of 2^-48;
     * the script then stores the second one "late", still exactly once.
     */
    static long seqOf(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h >>> 16;
    }

    /** String.hashCode is specified by the JLS, so every instance and version puts a user in the same shard. */
    private int shardOf(String userOrId) {
        return Math.floorMod(userOrId.hashCode(), shards.size());
    }

    private String countsKey(int shard, LocalDate day) {
        return keys.key("ev", "g" + shard, "counts", DAY.format(day));
    }

    /** An event on its way into a script call. */
    private record Pending(SecurityEvent event, long ms, long seq) {}

    @Override
    public int write(List<SecurityEvent> events) {
        return start(events).await();
    }

    @Override
    public PendingWrite start(List<SecurityEvent> events) {
        long cutoff = cutoffMs();
        long ttl = settings.retention().toMillis();
        // Group by shard and UTC day (one counts hash per call), keeping each group in (time, seq) order
        // so that the events of one call take their own stream ids.
        Map<Long, List<Pending>> groups = new LinkedHashMap<>();
        int expired = 0;
        for (SecurityEvent e : events) {
            long ms = e.time().toEpochMilli();
            if (ms < cutoff) {
                expired++;
                continue;
            }
            int shard = shardOf(e.user().orElse(e.id()));
            long group = Math.floorDiv(ms, DAY_MS) * 1024 + shard;
            groups.computeIfAbsent(group, k -> new ArrayList<>()).add(new Pending(e, ms, seqOf(e.id())));
        }
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        long now = clock.millis();
        // A user's stream lives retention + ttlRefresh after its TTL was last set, and the TTL is set again
        // at most every ttlRefresh, so it outlives each of its events by at least the retention, without a
        // PEXPIRE per event (an active user gets one a day from each instance, not one per batch).
        String[] head = {Long.toString(cutoff), Long.toString(ttl + ttlRefreshMs), Long.toString(ttl + DAY_MS), ""};
        groups.forEach((group, list) -> {
            int shard = (int) Math.floorMod(group, 1024L);
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(group, 1024L));
            list.sort(ORDER);
            for (int from = 0; from < list.size(); from += PER_CALL) {
                List<Pending> chunk = list.subList(from, Math.min(list.size(), from + PER_CALL));
                // KEYS: shard stream, late set, counts, then the users' streams, those whose TTL is due first.
                List<String> refresh = new ArrayList<>();
                List<String> rest = new ArrayList<>();
                Map<String, Boolean> seen = new HashMap<>();
                for (Pending p : chunk) {
                    p.event()
                            .user()
                            .ifPresent(user -> seen.computeIfAbsent(user, k -> {
                                Long last;
                                synchronized (ttlRefreshed) {
                                    last = ttlRefreshed.get(k);
                                }
                                boolean due = last == null || now - last >= ttlRefreshMs || now < last;
                                (due ? refresh : rest).add(k);
                                return Boolean.TRUE;
                            }));
                }
                List<String> keyList = new ArrayList<>(3 + seen.size());
                keyList.add(shards.get(shard));
                keyList.add(lateKey(shard));
                keyList.add(countsKey(shard, day));
                Map<String, Integer> userIndex = new HashMap<>();
                for (String user : refresh) {
                    keyList.add(userKey(user));
                    userIndex.put(user, keyList.size()); // 1-based, as Lua's KEYS
                }
                for (String user : rest) {
                    keyList.add(userKey(user));
                    userIndex.put(user, keyList.size());
                }
                String[] args = new String[4 + chunk.size() * 6];
                System.arraycopy(head, 0, args, 0, 4);
                args[3] = Integer.toString(refresh.size());
                int a = 4;
                for (Pending p : chunk) {
                    SecurityEvent e = p.event();
                    args[a++] = Long.toString(p.ms());
                    args[a++] = Long.toString(p.seq());
                    args[a++] = e.user().map(u -> userIndex.get(u).toString()).orElse("0");
                    args[a++] = e.type().code();
                    args[a++] = EventJson.severity(e.severity());
                    args[a++] = EventCodec.encode(e);
                }
                CompletableFuture<Object> call = redis.evalAsync(APPEND, keyList, args);
                calls.add(call.thenApply(r -> {
                    markRefreshed(refresh, now);
                    return r;
                }));
            }
        });
        int old = expired;
        long deadline = System.nanoTime()
                + redis.endpoint().commandTimeout().toNanos() * 2
                + TimeUnit.MILLISECONDS.toNanos(100);
        return () -> {
            awaitAll(calls, deadline);
            return old;
        };
    }

    private void markRefreshed(List<String> users, long now) {
        synchronized (ttlRefreshed) {
            for (String u : users) {
                ttlRefreshed.put(u, now);
            }
        }
    }

    /** Waits for every call; the first failure is rethrown once all have settled (none left in flight). */
    private void awaitAll(List<? extends CompletableFuture<?>> calls, long deadline) {
        StoreException first = null;
        for (CompletableFuture<?> f : calls) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof StoreException se
                            ? se
                            : new StoreCommandException(redis.target(), "security events: " + e.getCause());
                }
            } catch (TimeoutException e) {
                if (first == null) {
                    first = new StoreTimeoutException(redis.target(), "storing security events timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreTimeoutException(redis.target(), "storing security events was interrupted");
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    List<String> streams(Optional<String> user) {
        return user.map(u -> List.of(userKey(u))).orElse(shards);
    }

    @Override
    List<List<StreamEntry>> read(List<Read> reads) {
        List<CompletableFuture<List<StreamMessage<String, String>>>> futures = new ArrayList<>();
        for (Read r : reads) {
            Range.Boundary<String> low = Range.Boundary.including(Long.toString(Math.max(0, r.lowerMs())));
            Range.Boundary<String> high = r.upperMs() == Long.MAX_VALUE
                    ? Range.Boundary.unbounded()
                    : Range.Boundary.including(Long.toString(r.upperMs()));
            Limit limit = Limit.from(r.count());
            if (r.forward()) {
                Range.Boundary<String> start = r.after() == null
                        ? low
                        : Range.Boundary.excluding(r.after().toString());
                futures.add(redis.async(c -> c.xrange(r.stream(), Range.from(start, high), limit)));
            } else {
                Range.Boundary<String> end = r.after() == null
                        ? high
                        : Range.Boundary.excluding(r.after().toString());
                futures.add(redis.async(c -> c.xrevrange(r.stream(), Range.from(low, end), limit)));
            }
        }
        List<List<StreamEntry>> out = new ArrayList<>();
        for (CompletableFuture<List<StreamMessage<String, String>>> f : futures) {
            List<StreamMessage<String, String>> messages = join(f);
            List<StreamEntry> entries = new ArrayList<>(messages.size());
            for (StreamMessage<String, String> m : messages) {
                StreamId id = StreamId.parse(m.getId());
                entries.add(new StreamEntry(id, decode(id, m.getBody())));
            }
            out.add(entries);
        }
        return out;
    }

    /** An entry's event: its time is field t when stored late, else the stream id's milliseconds. */
    static SecurityEvent decode(StreamId id, Map<String, String> f) {
        String t = f.get("t");
        return EventCodec.decode(f.get("e"), t != null ? Long.parseLong(t) : id.ms());
    }

    private <T> T join(CompletableFuture<T> f) {
        try {
            return redis.await(f, redis.longestCall().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreCommandException(redis.target(), "security events: " + e.getCause());
        } catch (TimeoutException e) {
            throw new StoreTimeoutException(redis.target(), "reading security events timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreTimeoutException(redis.target(), "reading security events was interrupted");
        }
    }

    @Override
    public EventCounts counts(LocalDate from, LocalDate to) {
        checkDays(from, to);
        LocalDate oldest = LocalDate.ofInstant(Instant.ofEpochMilli(cutoffMs()), ZoneOffset.UTC);
        List<CompletableFuture<Map<String, String>>> futures = new ArrayList<>();
        for (LocalDate d = from.isBefore(oldest) ? oldest : from; !d.isAfter(to); d = d.plusDays(1)) {
            for (int s = 0; s < shards.size(); s++) {
                String key = countsKey(s, d);
                futures.add(redis.async(c -> c.hgetall(key)));
            }
        }
        Map<EventType, Long> byType = new EnumMap<>(EventType.class);
        Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
        for (CompletableFuture<Map<String, String>> f : futures) {
            join(f).forEach((field, n) -> InMemoryEventStore.add(field, Long.parseLong(n), byType, bySeverity));
        }
        return new EventCounts(from, to, byType, bySeverity);
    }

    @Override
    public String describe() {
        return redis.target();
    }
}
