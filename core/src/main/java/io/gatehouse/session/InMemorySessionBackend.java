package io.gatehouse.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-memory backend: the same per-user entry lists and the same decisions as the Lua scripts,
 * each operation atomic under {@link ConcurrentHashMap#compute}. A user's list has a deadline like the
 * Redis key's TTL, measured by the store's clock.
 */
final class InMemorySessionBackend implements SessionBackend {

    private record UserEntries(List<String> entries, long deadline) {}

    private record Text(String text, long deadline) {}

    private final ConcurrentHashMap<String, UserEntries> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Text> userAgents = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemorySessionBackend(Clock clock) {
        this.clock = clock;
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }

    /** The user's entries unless the whole list has passed its deadline (as a Redis key would have expired). */
    private List<String> live(UserEntries u, long now) {
        return u == null || u.deadline <= now ? List.of() : u.entries;
    }

    @Override
    public Created create(
            String userId, Expiry x, int limit, boolean refuse, int ceiling, String entry, long deadline) {
        AtomicReference<Created> result = new AtomicReference<>();
        users.compute(userId, (k, u) -> {
            List<String> kept = new ArrayList<>();
            List<String> sessions = new ArrayList<>();
            long max = deadline;
            for (String e : live(u, x.now())) {
                long exp = Entries.expiry(e, x);
                if (exp <= x.now()) {
                    continue;
                }
                max = Math.max(max, exp);
                (Entries.isTrust(e) ? kept : sessions).add(e);
            }
            int cap = limit > 0 ? Math.min(limit, ceiling) : ceiling;
            List<String> evicted = new ArrayList<>();
            if (sessions.size() >= cap) {
                if (refuse && limit > 0 && sessions.size() >= limit) {
                    result.set(new Created(false, List.of()));
                    return u;
                }
                // Oldest last-seen first; ties keep insertion order (List.sort is stable), like the script.
                List<String> order = new ArrayList<>(sessions);
                order.sort(Comparator.comparingLong(Entries::lastSeen));
                for (String e : order.subList(0, sessions.size() - cap + 1)) {
                    evicted.add(Entries.name(e));
                    sessions.remove(e);
                }
            }
            kept.addAll(sessions);
            kept.add(entry);
            result.set(new Created(true, evicted));
            return new UserEntries(List.copyOf(kept), max);
        });
        return result.get();
    }

    @Override
    public Optional<String> get(String userId, String name) {
        return live(users.get(userId), nowSeconds()).stream()
                .filter(e -> Entries.name(e).equals(name))
                .findFirst();
    }

    @Override
    public boolean replace(String userId, String oldEntry, String newEntry, long now, long deadline) {
        AtomicBoolean done = new AtomicBoolean();
        users.computeIfPresent(userId, (k, u) -> {
            List<String> entries = new ArrayList<>(live(u, now));
            int i = entries.indexOf(oldEntry);
            if (i < 0) {
                return u;
            }
            entries.set(i, newEntry);
            done.set(true);
            return new UserEntries(List.copyOf(entries), Math.max(u.deadline, deadline));
        });
        return done.get();
    }

    @Override
    public List<String> end(String userId, EndMode mode, String entryName, Expiry x) {
        List<String> removed = new ArrayList<>();
        users.computeIfPresent(userId, (k, u) -> {
            List<String> left = new ArrayList<>();
            for (String e : live(u, x.now())) {
                String name = Entries.name(e);
                boolean drop = !Entries.isTrust(e)
                        && switch (mode) {
                            case ONE -> name.equals(entryName);
                            case ALL -> true;
                            case OTHERS -> !name.equals(entryName);
                        };
                if (!drop) {
                    left.add(e);
                } else if (Entries.expiry(e, x) > x.now()) {
                    removed.add(name);
                }
            }
            return left.isEmpty() ? null : new UserEntries(List.copyOf(left), u.deadline);
        });
        return removed;
    }

    @Override
    public boolean trust(String userId, String device, String entry, long now, long deadline) {
        AtomicBoolean existed = new AtomicBoolean();
        String prefix = "~" + device + "|";
        users.compute(userId, (k, u) -> {
            List<String> left = new ArrayList<>();
            for (String e : live(u, now)) {
                if (e.startsWith(prefix)) {
                    existed.set(true);
                } else {
                    left.add(e);
                }
            }
            if (!entry.isEmpty()) {
                left.add(entry);
            }
            long d = u == null || u.deadline <= now ? deadline : Math.max(u.deadline, deadline);
            return left.isEmpty() ? null : new UserEntries(List.copyOf(left), d);
        });
        return existed.get();
    }

    @Override
    public Pruned prune(String userId, Expiry x, boolean dryRun) {
        AtomicReference<Pruned> result = new AtomicReference<>(new Pruned(0, List.of()));
        users.computeIfPresent(userId, (k, u) -> {
            if (u.deadline <= x.now()) {
                result.set(new Pruned(u.entries.size(), List.of()));
                return dryRun ? u : null;
            }
            List<String> left = new ArrayList<>();
            long max = Long.MIN_VALUE;
            for (String e : u.entries) {
                long exp = Entries.expiry(e, x);
                if (exp > x.now()) {
                    left.add(e);
                    max = Math.max(max, exp);
                }
            }
            result.set(new Pruned(u.entries.size() - left.size(), List.copyOf(left)));
            if (dryRun) {
                return u;
            }
            return left.isEmpty() ? null : new UserEntries(List.copyOf(left), max);
        });
        return result.get();
    }

    @Override
    public CompletableFuture<Void> putUserAgent(String hash, String text, long ttlSeconds) {
        userAgents.put(hash, new Text(text, nowSeconds() + ttlSeconds));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<String> userAgent(String hash) {
        Text t = userAgents.get(hash);
        return t == null || t.deadline <= nowSeconds() ? Optional.empty() : Optional.of(t.text);
    }

    /** The position is the last user id visited: pages walk the user ids in order. */
    @Override
    public CompletableFuture<ScanPage> scan(Optional<String> position, int count) {
        String after = position.orElse("");
        List<String> page = users.keySet().stream()
                .filter(id -> id.compareTo(after) > 0)
                .sorted()
                .limit(count + 1L)
                .toList();
        long now = nowSeconds();
        userAgents.entrySet().removeIf(e -> e.getValue().deadline <= now);
        if (page.size() <= count) {
            return CompletableFuture.completedFuture(new ScanPage(page, Optional.empty()));
        }
        List<String> first = page.subList(0, count);
        return CompletableFuture.completedFuture(new ScanPage(first, Optional.of(first.get(count - 1))));
    }

    private volatile String progress;

    @Override
    public Optional<String> cleanupProgress() {
        return Optional.ofNullable(progress);
    }

    @Override
    public CompletableFuture<Void> cleanupProgress(Optional<String> progress) {
        this.progress = progress.orElse(null);
        return CompletableFuture.completedFuture(null);
    }
}
