package io.gatehouse.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The session logic shared by both backends: ids, validation, MACs, expiry arithmetic, the touch
 * interval, listeners. The backend only keeps per-user entry lists and changes them atomically.
 *
 * Time is whole epoch seconds from the injected clock, passed to the backend with every call, so that
 * Redis scripts and a test's MutableClock agree (Redis's own TIME is never used for decisions; key TTLs
 * are relative, so they stay sane whatever the test clock says).
 */
final class DefaultSessionStore implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(DefaultSessionStore.class);
    private static final int UPDATE_ATTEMPTS = 10;

    private final SessionSettings settings;
    private final SessionBackend backend;
    private final Clock clock;
    private final List<SessionListener> listeners;
    private final RecordCodec codec;
    private final UserAgents userAgents;
    private final long idle;
    private final long absolute;
    private final long touchInterval;
    private final EntryFormat format;

    DefaultSessionStore(
            SessionSettings settings,
            SessionKeys keys,
            SessionBackend backend,
            Clock clock,
            List<SessionListener> listeners) {
        this.settings = settings;
        this.backend = backend;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.codec = new RecordCodec(keys);
        this.idle = settings.idleTimeout().toSeconds();
        this.absolute = settings.absoluteLifetime().toSeconds();
        this.touchInterval = settings.touchInterval().toSeconds();
        this.format = settings.entryFormat();
        long uaTtl = absolute + settings.trustedDeviceTtl().toSeconds() + 2 * 86_400;
        this.userAgents = new UserAgents(backend, clock, uaTtl, codec::uaHash);
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    private SessionBackend.Expiry expiry(long now) {
        return new SessionBackend.Expiry(now, idle, absolute);
    }

    // ---- create

    @Override
    public CreatedSession create(NewSession request) {
        String userId = SessionIds.requireUserId(request.userId());
        String ip = request.ip().map(RecordCodec::packIp).orElse("");
        Optional<String> ua =
                request.userAgent().map(RecordCodec::truncateUserAgent).filter(s -> !s.isEmpty());
        RecordCodec.checkAttributes(request.attributes());
        Optional<String> fingerprint = request.fingerprint().map(DefaultSessionStore::requireFingerprint);
        String device = fingerprint
                .map(f -> codec.deviceId("fp", f))
                .or(() -> ua.map(u -> codec.deviceId("ua", u)))
                .orElse("");
        String uaHash = ua.map(u -> userAgents.hash(u, format)).orElse("");

        long now = now();
        String random = SessionIds.newRandomPart();
        String name = codec.handleName(userId, random);
        String entry = codec.session(
                format, userId, name, now, now, ip, device, uaHash, RecordCodec.encodeAttributes(request.attributes()));
        long deadline = Math.min(now + idle, now + absolute);
        // One round trip: the user-agent text (written only when this instance has not written it today)
        // goes to its own key just before the script (pipelined) and is not awaited. Its
        // key is in another slot, so it cannot be part of the script in Cluster; if it fails, the cache
        // forgets it (the next create retries) and a listing shows the session without a user agent.
        ua.ifPresent(u -> userAgents.store(uaHash, u));
        SessionBackend.Created created = backend.create(
                userId,
                expiry(now),
                settings.maxPerUser(),
                settings.limitPolicy() == LimitPolicy.REFUSE,
                settings.ceilingPerUser(),
                entry,
                deadline);
        if (!created.created()) {
            throw new SessionLimitExceededException(userId, settings.maxPerUser());
        }
        // The entry just written, as parsing it would give (no second MAC computation: it was made here).
        StoredSession stored =
                new StoredSession(name, now, now, ip, device, uaHash, new TreeMap<>(request.attributes()), entry);
        Session session = toSession(userId, stored, ua);
        notify(l -> l.sessionCreated(session));
        if (!created.evicted().isEmpty()) {
            List<String> handles = handles(userId, created.evicted());
            notify(l -> l.sessionsEnded(userId, handles, EndReason.EVICTED));
        }
        return new CreatedSession(SessionIds.compose(random, userId), session);
    }

    /** A stored session rewritten with a new last-seen and attributes, in the configured format. */
    private String rewrite(String userId, StoredSession s, long lastSeen, Map<String, String> attributes) {
        return codec.session(
                format,
                userId,
                s.name(),
                s.created(),
                lastSeen,
                s.ip(),
                s.device(),
                writableUaHash(s.uaHash()),
                RecordCodec.encodeAttributes(attributes));
    }

    /**
     * The user-agent hash to write for one read from an entry. The two formats name a text differently
     * (compact: keyed, 8 characters; text: the plain 64-bit SHA-256, 11), so an entry rewritten in the
     * other format gets its text looked up (locally nearly always) and stored under the other name: a text
     * entry is rewritten compactly after an upgrade, and with entry-format = text a compact one is
     * rewritten as text. A text that is gone (its key expired or evicted) leaves the session without a
     * user agent, as a listing showed it already.
     */
    private String writableUaHash(String uaHash) {
        boolean legacy = uaHash.length() == UserAgents.LEGACY_HASH_CHARS;
        if (uaHash.isEmpty() || legacy == (format == EntryFormat.TEXT)) {
            return uaHash;
        }
        return userAgents
                .resolve(uaHash)
                .map(text -> {
                    String h = userAgents.hash(text, format);
                    userAgents.store(h, text);
                    return h;
                })
                .orElse("");
    }

    private static String requireFingerprint(String fingerprint) {
        if (fingerprint.isEmpty() || fingerprint.length() > 1024) {
            throw new SessionInputException("a device fingerprint must be 1 to 1024 characters");
        }
        return fingerprint;
    }

    // ---- read

    /** Where a session's entry is: its user and its name (the handle's first part). */
    private record Ref(String userId, String name) {}

    private Ref byId(String sessionId) {
        SessionIds.Parsed id = SessionIds.parse(sessionId);
        return new Ref(id.userId(), codec.handleName(id.userId(), id.part()));
    }

    private static Ref byHandle(String handle) {
        SessionIds.Parsed h = SessionIds.parseHandle(handle);
        return new Ref(h.userId(), h.part());
    }

    @Override
    public String handleOf(String sessionId) {
        Ref ref = byId(sessionId);
        return SessionIds.compose(ref.name(), ref.userId());
    }

    @Override
    public Optional<Session> get(String sessionId) {
        return get(byId(sessionId));
    }

    @Override
    public Optional<Session> getByHandle(String handle) {
        return get(byHandle(handle));
    }

    private Optional<Session> get(Ref ref) {
        return load(ref, now()).map(s -> toSession(ref.userId(), s, Optional.empty()));
    }

    /** The stored entry if present, intact and not expired at {@code now}. */
    private Optional<StoredSession> load(Ref ref, long now) {
        return backend.get(ref.userId(), ref.name())
                .flatMap(raw -> codec.parseSession(ref.userId(), raw))
                .filter(s -> s.name().equals(ref.name()) && s.expiresAt(idle, absolute) > now);
    }

    @Override
    public Optional<Session> touch(String sessionId) {
        return touch(byId(sessionId));
    }

    @Override
    public Optional<Session> touchByHandle(String handle) {
        return touch(byHandle(handle));
    }

    private Optional<Session> touch(Ref ref) {
        Optional<Session> touched = touchStored(ref);
        touched.ifPresent(t -> notify(l -> l.sessionTouched(t)));
        return touched;
    }

    private Optional<Session> touchStored(Ref ref) {
        String userId = ref.userId();
        long now = now();
        Optional<StoredSession> found = load(ref, now);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StoredSession s = found.get();
        // Decided here, from the entry just read: within the interval a touch writes nothing.
        if (now - s.lastSeen() < touchInterval) {
            return Optional.of(toSession(userId, s, Optional.empty()));
        }
        String updated = rewrite(userId, s, now, s.attributes());
        long deadline = Math.min(now + idle, s.created() + absolute);
        if (backend.replace(userId, s.raw(), updated, now, deadline)) {
            return Optional.of(
                    toSession(userId, codec.parseSession(userId, updated).orElseThrow(), Optional.empty()));
        }
        // Another instance touched (or ended) it in between: what is stored now is the answer.
        return load(ref, now).map(x -> toSession(userId, x, Optional.empty()));
    }

    @Override
    public Optional<Session> updateAttributes(String sessionId, Map<String, String> set, Set<String> remove) {
        Ref ref = byId(sessionId);
        String userId = ref.userId();
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            long now = now();
            Optional<StoredSession> found = load(ref, now);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            StoredSession s = found.get();
            Map<String, String> attrs = new TreeMap<>(s.attributes());
            remove.forEach(attrs::remove);
            attrs.putAll(set);
            RecordCodec.checkAttributes(attrs);
            String updated = rewrite(userId, s, s.lastSeen(), attrs);
            long deadline = s.expiresAt(idle, absolute);
            if (backend.replace(userId, s.raw(), updated, now, deadline)) {
                return Optional.of(
                        toSession(userId, codec.parseSession(userId, updated).orElseThrow(), Optional.empty()));
            }
        }
        throw new SessionConflictException(
                "the session's attributes kept changing under " + UPDATE_ATTEMPTS + " attempts");
    }

    // ---- end

    @Override
    public boolean end(String sessionId) {
        return end(byId(sessionId));
    }

    @Override
    public boolean endByHandle(String handle) {
        return end(byHandle(handle));
    }

    private boolean end(Ref ref) {
        List<String> removed = backend.end(ref.userId(), SessionBackend.EndMode.ONE, ref.name(), expiry(now()));
        if (removed.isEmpty()) {
            return false;
        }
        List<String> handles = handles(ref.userId(), removed);
        notify(l -> l.sessionsEnded(ref.userId(), handles, EndReason.ENDED));
        return true;
    }

    @Override
    public List<String> endAll(String userId) {
        SessionIds.requireUserId(userId);
        List<String> handles = handles(userId, backend.end(userId, SessionBackend.EndMode.ALL, null, expiry(now())));
        if (!handles.isEmpty()) {
            notify(l -> l.sessionsEnded(userId, handles, EndReason.ENDED_ALL));
        }
        return handles;
    }

    @Override
    public List<String> endAllBut(String currentSessionId) {
        return endAllBut(byId(currentSessionId));
    }

    @Override
    public List<String> endAllButHandle(String keepHandle) {
        return endAllBut(byHandle(keepHandle));
    }

    private List<String> endAllBut(Ref keep) {
        List<String> handles = handles(
                keep.userId(), backend.end(keep.userId(), SessionBackend.EndMode.OTHERS, keep.name(), expiry(now())));
        if (!handles.isEmpty()) {
            notify(l -> l.sessionsEnded(keep.userId(), handles, EndReason.ENDED_OTHERS));
        }
        return handles;
    }

    private static List<String> handles(String userId, List<String> names) {
        List<String> handles = new ArrayList<>(names.size());
        names.forEach(n -> handles.add(SessionIds.compose(n, userId)));
        return List.copyOf(handles);
    }

    // ---- list and devices

    private record Listing(List<StoredSession> sessions, List<StoredTrust> trusts) {}

    private Listing listing(String userId) {
        SessionIds.requireUserId(userId);
        long now = now();
        SessionBackend.Pruned pruned = backend.prune(userId, expiry(now));
        List<StoredSession> sessions = new ArrayList<>();
        List<StoredTrust> trusts = new ArrayList<>();
        for (String raw : pruned.entries()) {
            if (Entries.isTrust(raw)) {
                codec.parseTrust(userId, raw).filter(t -> t.until() > now).ifPresent(trusts::add);
            } else {
                codec.parseSession(userId, raw)
                        .filter(s -> s.expiresAt(idle, absolute) > now)
                        .ifPresent(sessions::add);
            }
        }
        sessions.sort(
                Comparator.comparingLong(StoredSession::lastSeen).reversed().thenComparing(StoredSession::name));
        return new Listing(sessions, trusts);
    }

    @Override
    public List<Session> list(String userId) {
        List<Session> out = new ArrayList<>();
        listing(userId).sessions().forEach(s -> out.add(toSession(userId, s, Optional.empty())));
        return List.copyOf(out);
    }

    @Override
    public List<Device> devices(String userId) {
        Listing l = listing(userId);
        Map<String, List<Session>> byDevice = new LinkedHashMap<>();
        for (StoredSession s : l.sessions()) {
            if (!s.device().isEmpty()) {
                byDevice.computeIfAbsent(s.device(), d -> new ArrayList<>())
                        .add(toSession(userId, s, Optional.empty()));
            }
        }
        Map<String, StoredTrust> trust = new LinkedHashMap<>();
        l.trusts().forEach(t -> trust.put(t.device(), t));
        List<Device> out = new ArrayList<>();
        byDevice.forEach((device, sessions) -> {
            Optional<StoredTrust> t = Optional.ofNullable(trust.remove(device));
            Instant first = sessions.stream()
                    .map(Session::createdAt)
                    .min(Comparator.naturalOrder())
                    .orElseThrow();
            out.add(new Device(
                    device,
                    sessions.get(0).userAgent(),
                    first,
                    sessions.get(0).lastSeenAt(),
                    sessions,
                    t.map(x -> Instant.ofEpochSecond(x.until()))));
        });
        trust.values()
                .forEach(t -> out.add(new Device(
                        t.device(),
                        userAgents.resolve(t.uaHash()),
                        Instant.ofEpochSecond(t.since()),
                        Instant.ofEpochSecond(t.since()),
                        List.of(),
                        Optional.of(Instant.ofEpochSecond(t.until())))));
        return List.copyOf(out);
    }

    @Override
    public String deviceId(String fingerprint) {
        return codec.deviceId("fp", requireFingerprint(fingerprint));
    }

    @Override
    public TrustedDevice trustDevice(String userId, String deviceId) {
        return trustDevice(userId, deviceId, settings.trustedDeviceTtl());
    }

    @Override
    public TrustedDevice trustDevice(String userId, String deviceId, Duration ttl) {
        RecordCodec.requireDeviceId(deviceId);
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(3650)) > 0) {
            throw new SessionInputException("a trust lasts from 1 second to 10 years");
        }
        // The user agent shown for the device: from one of its live sessions, if it has any.
        String uaHash = listing(userId).sessions().stream()
                .filter(s -> s.device().equals(deviceId))
                .map(StoredSession::uaHash)
                .filter(h -> !h.isEmpty())
                .findFirst()
                .map(this::writableUaHash)
                .orElse("");
        long now = now();
        long until = now + ttl.toSeconds();
        backend.trust(userId, deviceId, codec.trust(userId, deviceId, now, until, uaHash), now, until);
        Instant untilAt = Instant.ofEpochSecond(until);
        notify(l -> l.deviceTrusted(userId, deviceId, untilAt));
        return new TrustedDevice(deviceId, Instant.ofEpochSecond(now), untilAt, userAgents.resolve(uaHash));
    }

    @Override
    public boolean untrustDevice(String userId, String deviceId) {
        SessionIds.requireUserId(userId);
        RecordCodec.requireDeviceId(deviceId);
        long now = now();
        boolean existed = backend.trust(userId, deviceId, "", now, now + 1);
        if (existed) {
            notify(l -> l.deviceUntrusted(userId, deviceId));
        }
        return existed;
    }

    @Override
    public List<TrustedDevice> trustedDevices(String userId) {
        List<TrustedDevice> out = new ArrayList<>();
        for (StoredTrust t : listing(userId).trusts()) {
            out.add(new TrustedDevice(
                    t.device(),
                    Instant.ofEpochSecond(t.since()),
                    Instant.ofEpochSecond(t.until()),
                    userAgents.resolve(t.uaHash())));
        }
        return List.copyOf(out);
    }

    @Override
    public boolean isTrusted(String userId, String fingerprint) {
        SessionIds.requireUserId(userId);
        String device = deviceId(fingerprint);
        long now = now();
        // get.lua finds entries by name; a trust entry's name is "~<device>".
        return backend.get(userId, "~" + device)
                .flatMap(raw -> codec.parseTrust(userId, raw))
                .filter(t -> t.device().equals(device) && t.until() > now)
                .isPresent();
    }

    // ---- cleanup

    @Override
    public SessionCleanup cleanup(int batchSize, boolean dryRun) {
        return pass(batchSize, dryRun, Optional.empty(), false);
    }

    @Override
    public SessionCleanup resumableCleanup(int batchSize, boolean restart) {
        requireBatch(batchSize);
        Optional<CleanupProgress> from = Optional.empty();
        if (restart) {
            backend.cleanupProgress(Optional.empty()).join();
        } else {
            from = backend.cleanupProgress().flatMap(CleanupProgress::decode);
        }
        return pass(batchSize, false, from, true);
    }

    private SessionCleanup pass(int batchSize, boolean dryRun, Optional<CleanupProgress> from, boolean resumable) {
        requireBatch(batchSize);
        return new PipelinedCleanup(
                backend,
                batchSize,
                dryRun,
                from,
                resumable,
                () -> expiry(now()),
                batch -> notify(l -> l.cleanedUp(batch)));
    }

    private static void requireBatch(int batchSize) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new SessionInputException("a cleanup batch is 1 to 10000 users");
        }
    }

    @Override
    public SessionSettings settings() {
        return settings;
    }

    // ---- helpers

    private Session toSession(String userId, StoredSession s, Optional<String> knownUserAgent) {
        Optional<String> ua = knownUserAgent.isPresent() ? knownUserAgent : userAgents.resolve(s.uaHash());
        return new Session(
                SessionIds.compose(s.name(), userId),
                userId,
                Instant.ofEpochSecond(s.created()),
                Instant.ofEpochSecond(s.lastSeen()),
                Instant.ofEpochSecond(s.expiresAt(idle, absolute)),
                Instant.ofEpochSecond(s.created() + absolute),
                RecordCodec.unpackIp(s.ip()),
                ua,
                s.device().isEmpty() ? Optional.empty() : Optional.of(s.device()),
                s.attributes());
    }

    private void notify(Consumer<SessionListener> call) {
        for (SessionListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.error(
                        "A session listener ({}) failed; the session change stands",
                        l.getClass().getName(),
                        e);
            }
        }
    }
}
