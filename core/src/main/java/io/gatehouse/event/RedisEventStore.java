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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * Design note. Redis layout (prefix "gatehouse", see docs/EVENTS.md):
 *   gatehouse:ev:{u:<user>}:log             stream: the user's events, full copy
 *   gatehouse:ev:{g<n>}:log                 stream: shard n of the global log (n = hash(event id) mod N), full copy
 *   gatehouse:ev:{g<n>}:counts:<yyyymmdd>   hash: t:<type> / s:<severity> counts of that shard and UTC day
 *   gatehouse:ev:{...}:late                 zset beside each stream: ids of events stored out of order
 * An event's own stream id is <time ms>-<48-bit hash of its id>, so "is it stored?" is one XRANGE of a
 * single id; an event older than the stream's last entry is stored at the top and its id put in :late.
 * A user's stream and a global shard are in different slots, so an event is two script calls (one per
 * slot), sent pipelined with every other event of the batch. Each call is idempotent by event id, so a
 * batch that failed half-way is simply sent again. Keeping the full event in both places costs memory
 * (~2x) but makes each query a read of one key per stream, with no cross-slot lookups.
 */
final class RedisEventStore extends StreamEventStore {
    static final RedisScript APPEND = RedisScript.load(RedisEventStore.class, "append.lua", RedisScript.Reply.INTEGER);
    /** Events per script call: keeps each call short so it does not hold up other clients of Redis. */
    private static final int PER_CALL = 64;
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final long DAY_MS = 86_400_000L;

    private final RedisConnector redis;
    private final KeySpace keys;
    private final List<String> shards;

    RedisEventStore(RedisConnector redis, EventSettings settings, Clock clock) {
        super(settings, clock);
        this.redis = redis;
        this.keys = redis.keys();
        List<String> s = new ArrayList<>();
        for (int i = 0; i < settings.globalShards(); i++) {
            s.add(keys.key("ev", "g" + i, "log"));
        }
        this.shards = List.copyOf(s);
    }

    String userKey(String user) {
        return keys.key("ev", "u:" + user, "log");
    }

    /** The late set beside a stream key ({@code ...:log} becomes {@code ...:late}). */
    static String lateKey(String streamKey) {
        return streamKey.substring(0, streamKey.length() - "log".length()) + "late";
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

    private int shardOf(SecurityEvent e) {
        return Math.floorMod(e.id().hashCode(), shards.size());
    }

    private String countsKey(int shard, LocalDate day) {
        return keys.key("ev", "g" + shard, "counts", DAY.format(day));
    }

    @Override
    public int write(List<SecurityEvent> events) {
        long cutoff = cutoffMs();
        long ttl = settings.retention().toMillis();
        // Group by target key, keeping the batch's order inside each group.
        Map<List<String>, List<SecurityEvent>> groups = new LinkedHashMap<>();
        int expired = 0;
        for (SecurityEvent e : events) {
            if (e.time().toEpochMilli() < cutoff) {
                expired++;
                continue;
            }
            int shard = shardOf(e);
            LocalDate day = LocalDate.ofInstant(e.time(), ZoneOffset.UTC);
            String stream = shards.get(shard);
            groups.computeIfAbsent(List.of(stream, lateKey(stream), countsKey(shard, day)), k -> new ArrayList<>()).add(e);
            e.user().ifPresent(u -> groups.computeIfAbsent(List.of(userKey(u), lateKey(userKey(u))), k -> new ArrayList<>()).add(e));
        }
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        String[] head = {Long.toString(cutoff), Long.toString(ttl), Long.toString(ttl + DAY_MS)};
        groups.forEach((keyList, list) -> {
            // In (time, seq) order, so that events of one call take their own stream ids (not "late").
            list.sort(java.util.Comparator.comparingLong((SecurityEvent e) -> e.time().toEpochMilli())
                    .thenComparingLong(e -> seqOf(e.id())));
            for (int from = 0; from < list.size(); from += PER_CALL) {
                List<SecurityEvent> chunk = list.subList(from, Math.min(list.size(), from + PER_CALL));
                String[] args = new String[3 + chunk.size() * 11];
                System.arraycopy(head, 0, args, 0, 3);
                int a = 3;
                for (SecurityEvent e : chunk) {
                    args[a++] = e.id();
                    args[a++] = Long.toString(e.time().toEpochMilli());
                    args[a++] = Long.toString(seqOf(e.id()));
                    args[a++] = e.type().code();
                    args[a++] = EventJson.severity(e.severity());
                    args[a++] = e.user().orElse("");
                    args[a++] = e.session().orElse("");
                    args[a++] = e.ip().orElse("");
                    args[a++] = e.userAgent().orElse("");
                    args[a++] = e.reason().orElse("");
                    args[a++] = EventJson.details(e.details());
                }
                calls.add(redis.evalAsync(APPEND, keyList, args));
            }
        });
        awaitAll(calls);
        return expired;
    }

    /** Waits for every call; the first failure is rethrown once all have settled (none left in flight). */
    private void awaitAll(List<? extends CompletableFuture<?>> calls) {
        long deadline = System.nanoTime() + redis.endpoint().commandTimeout().toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(100);
        StoreException first = null;
        for (CompletableFuture<?> f : calls) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof StoreException se ? se
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
            Range.Boundary<String> high = r.upperMs() == Long.MAX_VALUE ? Range.Boundary.unbounded()
                    : Range.Boundary.including(Long.toString(r.upperMs()));
            Limit limit = Limit.from(r.count());
            if (r.forward()) {
                Range.Boundary<String> start = r.after() == null ? low : Range.Boundary.excluding(r.after().toString());
                futures.add(redis.async(c -> c.xrange(r.stream(), Range.from(start, high), limit)));
            } else {
                Range.Boundary<String> end = r.after() == null ? high : Range.Boundary.excluding(r.after().toString());
                futures.add(redis.async(c -> c.xrevrange(r.stream(), Range.from(low, end), limit)));
            }
        }
        List<List<StreamEntry>> out = new ArrayList<>();
        for (CompletableFuture<List<StreamMessage<String, String>>> f : futures) {
            List<StreamMessage<String, String>> messages = join(f);
            List<StreamEntry> entries = new ArrayList<>(messages.size());
            for (StreamMessage<String, String> m : messages) {
                entries.add(new StreamEntry(StreamId.parse(m.getId()), decode(m.getBody())));
            }
            out.add(entries);
        }
        return out;
    }

    static SecurityEvent decode(Map<String, String> f) {
        return EventJson.fromFields(f.get("id"), Instant.ofEpochMilli(Long.parseLong(f.get("t"))), f.get("ty"),
                f.get("sv"), f.get("u"), f.get("s"), f.get("ip"), f.get("ua"), f.get("r"), EventJson.details(f.get("d")));
    }

    private <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(redis.endpoint().commandTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
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
