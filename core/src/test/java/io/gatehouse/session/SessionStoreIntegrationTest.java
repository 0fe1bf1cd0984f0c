package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of {@link SessionStore}, run on the in-memory store and on every Redis topology.
 * Time is a {@link MutableClock}; nothing sleeps.
 */
class SessionStoreIntegrationTest extends StoreContract {
    static final String MAC_KEY = "c2Vzc2lvbi1tYWMta2V5LWZvci10ZXN0cy0zMi1ieXRlcyE=";
    static final String DEVICE_KEY = "ZGV2aWNlLWtleS1mb3ItdGVzdHMtMzItYnl0ZXMtbG9uZyE=";
    static final String CHROME =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    MutableClock clock;
    RecordingListener events;
    SessionStore sessions;

    @BeforeEach
    void open() {
        clock = MutableClock.at("2026-03-02T09:00:00Z");
        events = new RecordingListener();
        sessions = store(Map.of());
    }

    SessionStore store(Map<String, String> settings) {
        GatehouseConfig.Builder config = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", MAC_KEY)
                .set("gatehouse.sessions.device-key", DEVICE_KEY)
                .set("gatehouse.sessions.idle-timeout", "30m")
                .set("gatehouse.sessions.absolute-timeout", "2h");
        settings.forEach(config::set);
        SessionStore.Builder b =
                SessionStore.builder().config(config.build()).clock(clock).listener(events);
        return backend.isRedis()
                ? b.stores(backend.stores()).build()
                : b.inMemory().build();
    }

    CreatedSession login(String user) {
        return sessions.create(
                NewSession.forUser(user).ip("203.0.113.7").userAgent(CHROME).build());
    }

    /** The raw value of a user's key on Redis (tests of the stored form only). */
    String raw(String user) {
        return backend.connector().sync(c -> c.get(backend.connector().keys().key("s", user)));
    }

    // ---- create, get, ids

    @Test
    void createdSessionReadsBackWithEverythingItWasGiven() {
        CreatedSession s = sessions.create(NewSession.forUser("u42")
                .ip("2001:db8::1")
                .userAgent(CHROME)
                .fingerprint("device-cookie-1")
                .attribute("locale", "en-GB")
                .attribute("note", "a|b\nc&d=e")
                .build());

        Session read = sessions.get(s.id()).orElseThrow();
        assertThat(read).isEqualTo(s.session());
        assertThat(read.userId()).isEqualTo("u42");
        assertThat(read.ip()).contains("2001:db8:0:0:0:0:0:1");
        assertThat(read.userAgent()).contains(CHROME);
        assertThat(read.deviceId()).contains(sessions.deviceId("device-cookie-1"));
        assertThat(read.attributes()).isEqualTo(Map.of("locale", "en-GB", "note", "a|b\nc&d=e"));
        assertThat(read.createdAt()).isEqualTo(clock.instant());
        assertThat(read.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(read.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(read.absoluteExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        assertThat(events.created).containsExactly(s.session());
    }

    @Test
    void idsCarryAtLeast128RandomBitsAndNeverRepeat() {
        Set<String> randomParts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = login("u1").id();
            String random = id.substring(0, id.indexOf('.'));
            assertThat(Base64.getUrlDecoder().decode(random)).hasSize(16);
            assertThat(id).matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]+");
            randomParts.add(random);
        }
        assertThat(randomParts).hasSize(200);
    }

    @Test
    void aHandleCannotBeUsedAsASessionIdNorAnIdAsAHandle() {
        CreatedSession s = login("u1");
        assertThat(s.handle()).matches("[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+").isNotEqualTo(s.id());
        assertThat(sessions.handleOf(s.id())).isEqualTo(s.handle());
        assertThatThrownBy(() -> sessions.get(s.handle())).isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.touch(s.handle())).isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.end(s.handle())).isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.getByHandle(s.id())).isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.endByHandle(s.id())).isInstanceOf(SessionInputException.class);
        // A handle's first part padded to an id's length names no session: the id is not derivable from it.
        String padded = s.handle().substring(0, 16) + "AAAAAA" + s.handle().substring(16);
        assertThat(sessions.get(padded)).isEmpty();
        assertThat(sessions.getByHandle(s.handle())).contains(s.session());
        assertThat(sessions.list("u1")).isNotEmpty();
    }

    @Test
    void signingOutBySessionHandleEndsThatSessionAndReportsItsHandle() {
        CreatedSession a = login("u1");
        CreatedSession b = login("u1");
        assertThat(sessions.endByHandle(a.handle())).isTrue();
        assertThat(sessions.get(a.id())).isEmpty();
        assertThat(sessions.getByHandle(a.handle())).isEmpty();
        assertThat(sessions.touchByHandle(b.handle())).contains(b.session());
        assertThat(events.ended)
                .containsExactly(new RecordingListener.Ended("u1", List.of(a.handle()), EndReason.ENDED));
        assertThat(sessions.endByHandle(a.handle())).isFalse();
    }

    @Test
    void theSecretSessionIdIsNeverStoredListedOrReported() {
        CreatedSession s = sessions.create(NewSession.forUser("u1")
                .ip("203.0.113.7")
                .userAgent(CHROME)
                .fingerprint("fp")
                .build());
        String secret = s.id().substring(0, 22);
        sessions.touch(s.id());
        sessions.trustDevice("u1", s.session().deviceId().orElseThrow());
        assertThat(sessions.list("u1"))
                .singleElement()
                .satisfies(x -> assertThat(x.toString()).doesNotContain(secret));
        assertThat(sessions.devices("u1").toString()).doesNotContain(secret);
        assertThat(s.toString()).doesNotContain(secret);
        sessions.endAll("u1");
        assertThat(events.created.toString() + events.ended).doesNotContain(secret);
        if (backend.isRedis()) {
            login("u1");
            CreatedSession again = login("u1");
            assertThat(raw("u1"))
                    .doesNotContain(again.id().substring(0, 22))
                    .contains(again.handle().substring(0, 16));
        }
    }

    @Test
    void unknownAndMalformedIdsAreTreatedDifferently() {
        CreatedSession s = login("u1");
        String forged = "AAAAAAAAAAAAAAAAAAAAAA" + s.id().substring(22);
        assertThat(sessions.get(forged)).isEmpty();
        assertThatThrownBy(() -> sessions.get("not-a-session"))
                .isInstanceOf(SessionInputException.class)
                .hasMessageNotContaining("not-a-session");
        assertThatThrownBy(() -> sessions.get(s.id().substring(0, 22) + ".e3V9")) // user part "{u}"
                .isInstanceOf(SessionInputException.class);
    }

    @Test
    void badInputIsRefusedAndStoresNothing() {
        assertThatThrownBy(() -> sessions.create(NewSession.forUser("u{1}").build()))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.create(NewSession.forUser("u 1").build()))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() ->
                        sessions.create(NewSession.forUser("u1").ip("localhost").build()))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() ->
                        sessions.create(NewSession.forUser("u1").ip("999.1.1.1").build()))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.create(
                        NewSession.forUser("u1").attribute("bad key", "v").build()))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> sessions.create(
                        NewSession.forUser("u1").attribute("k", "x".repeat(300)).build()))
                .isInstanceOf(SessionInputException.class);
        assertThat(sessions.list("u1")).isEmpty();
        assertThat(events.created).isEmpty();
    }

    // ---- touch and expiry

    @Test
    void touchWritesLastSeenAtMostOncePerInterval() {
        CreatedSession s = login("u1");
        String storedBefore = backend.isRedis() ? raw("u1") : null;

        clock.advance(Duration.ofSeconds(59));
        Session touched = sessions.touch(s.id()).orElseThrow();
        assertThat(touched.lastSeenAt()).isEqualTo(s.session().lastSeenAt());
        if (backend.isRedis()) {
            assertThat(raw("u1")).as("no write within the touch interval").isEqualTo(storedBefore);
        }

        clock.advance(Duration.ofSeconds(1));
        Session slid = sessions.touch(s.id()).orElseThrow();
        assertThat(slid.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(slid.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(sessions.get(s.id()).orElseThrow().lastSeenAt()).isEqualTo(clock.instant());
        if (backend.isRedis()) {
            assertThat(raw("u1")).isNotEqualTo(storedBefore);
        }
    }

    @Test
    void idleTimeoutEndsAnUntouchedSession() {
        CreatedSession s = login("u1");
        clock.advance(Duration.ofMinutes(30).minusSeconds(1));
        assertThat(sessions.get(s.id())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.get(s.id())).isEmpty();
        assertThat(sessions.touch(s.id())).isEmpty();
        assertThat(sessions.list("u1")).isEmpty();
    }

    @Test
    void absoluteLifetimeEndsEvenABusySession() {
        CreatedSession s = login("u1");
        for (int i = 0; i < 5; i++) { // touched every 20 minutes up to 1h40
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.touch(s.id())).isPresent();
        }
        Session last = sessions.get(s.id()).orElseThrow();
        assertThat(last.expiresAt())
                .as("capped by the absolute deadline")
                .isEqualTo(s.session().absoluteExpiresAt());
        clock.advance(Duration.ofMinutes(20).minusSeconds(1)); // 1h59m59s: idle would allow 30 more minutes
        assertThat(sessions.touch(s.id())).isPresent();
        clock.advance(Duration.ofSeconds(1)); // 2h
        assertThat(sessions.get(s.id())).isEmpty();
        assertThat(sessions.touch(s.id())).isEmpty();
    }

    // ---- tampering (Redis only: nobody else can write the in-memory store)

    @Test
    void tamperedEntriesAreRejectedNotTrusted() {
        assumeTrue(backend.isRedis(), "only Redis can be written behind the store's back");
        CreatedSession s = login("u1");
        String key = backend.connector().keys().key("s", "u1");
        String original = raw("u1");
        assertThat(original).as("one compact entry").doesNotContain("|").doesNotContain("\n");

        // Move created (hence last-seen and both deadlines) by 64^2 s (an attacker keeping a stolen session
        // alive): the third of its five digits, right after the 16-character name and the shape digit.
        char[] f = original.toCharArray();
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        f[19] = digits.charAt((digits.indexOf(f[19]) + 1) % 64);
        String altered = new String(f);
        backend.connector().sync(c -> c.set(key, altered));
        assertThat(sessions.get(s.id())).isEmpty();
        assertThat(sessions.touch(s.id())).isEmpty();
        assertThat(sessions.list("u1")).isEmpty();

        // The same entry moved to another user's key is not that user's session.
        backend.connector().sync(c -> c.set(key, original));
        assertThat(sessions.get(s.id())).isPresent();
        String otherKey = backend.connector().keys().key("s", "u2");
        backend.connector().sync(c -> c.set(otherKey, original));
        String stolen = s.id().substring(0, 23)
                + Base64.getUrlEncoder().withoutPadding().encodeToString("u2".getBytes());
        assertThat(sessions.get(stolen)).isEmpty();
        assertThat(sessions.list("u2")).isEmpty();

        // A truncated MAC.
        backend.connector().sync(c -> c.set(key, original.substring(0, original.length() - 1)));
        assertThat(sessions.get(s.id())).isEmpty();
    }

    // ---- end

    @Test
    void endingASessionReportsExactlyThatSession() {
        CreatedSession a = login("u1");
        CreatedSession b = login("u1");
        assertThat(sessions.end(a.id())).isTrue();
        assertThat(sessions.get(a.id())).isEmpty();
        assertThat(sessions.get(b.id())).isPresent();
        assertThat(events.ended)
                .containsExactly(new RecordingListener.Ended("u1", List.of(a.handle()), EndReason.ENDED));

        assertThat(sessions.end(a.id())).isFalse();
        assertThat(events.ended).hasSize(1);
    }

    @Test
    void endAllButTheCurrentSession() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(login("u1").handle());
            clock.advance(Duration.ofSeconds(5));
        }
        CreatedSession otherUser = login("u2");
        String current = ids.get(1);

        List<String> ended = sessions.endAllButHandle(current);

        List<String> others = new ArrayList<>(ids);
        others.remove(current);
        assertThat(ended).containsExactlyInAnyOrderElementsOf(others);
        assertThat(events.endedIds(EndReason.ENDED_OTHERS)).containsExactlyInAnyOrderElementsOf(others);
        assertThat(sessions.list("u1")).extracting(Session::handle).containsExactly(current);
        assertThat(sessions.get(otherUser.id())).isPresent();
        assertThat(sessions.endAllButHandle(current)).isEmpty();
        assertThat(sessions.endAllBut(otherUser.id())).isEmpty();
    }

    @Test
    void endAllEndsEverySessionButKeepsTrustedDevices() {
        CreatedSession a =
                sessions.create(NewSession.forUser("u1").fingerprint("phone").build());
        CreatedSession b = login("u1");
        sessions.trustDevice("u1", a.session().deviceId().orElseThrow());

        assertThat(sessions.endAll("u1")).containsExactlyInAnyOrder(a.handle(), b.handle());
        assertThat(events.endedIds(EndReason.ENDED_ALL)).containsExactlyInAnyOrder(a.handle(), b.handle());
        assertThat(sessions.list("u1")).isEmpty();
        assertThat(sessions.isTrusted("u1", "phone")).isTrue();
        assertThat(sessions.endAll("u1")).isEmpty();
    }

    @Test
    void expiredSessionsAreNotReportedAsEnded() {
        CreatedSession old = login("u1");
        clock.advance(Duration.ofMinutes(20));
        CreatedSession fresh = login("u1");
        clock.advance(Duration.ofMinutes(15)); // old is idle for 35 min: expired
        assertThat(sessions.endAll("u1")).containsExactly(fresh.handle());
        assertThat(events.endedIds(EndReason.ENDED_ALL))
                .containsExactly(fresh.handle())
                .doesNotContain(old.handle());
    }

    // ---- list and index cleanup

    @Test
    void listShowsTheUsersLiveSessionsMostRecentFirst() {
        CreatedSession a = login("u1");
        clock.advance(Duration.ofMinutes(2));
        CreatedSession b = login("u1");
        clock.advance(Duration.ofMinutes(2));
        sessions.touch(a.id());
        login("u2");
        assertThat(sessions.list("u1")).extracting(Session::handle).containsExactly(a.handle(), b.handle());
        assertThat(sessions.list("nobody")).isEmpty();
    }

    @Test
    void indexEntriesAreCleanedAfterExpiry() {
        for (int i = 0; i < 3; i++) {
            login("gone"); // a user who never comes back
            login("back");
        }
        clock.advance(Duration.ofMinutes(31));
        CreatedSession again = login("back"); // creating prunes the user's expired entries

        assertThat(sessions.list("back")).extracting(Session::handle).containsExactly(again.handle());
        if (backend.isRedis()) {
            assertThat(raw("back").split("\n")).as("one entry left").hasSize(1);
            assertThat(raw("gone").split("\n")).as("untouched until cleanup").hasSize(3);
            Long ttl = backend.connector()
                    .sync(c -> c.ttl(backend.connector().keys().key("s", "back")));
            assertThat(ttl).isBetween(1L, Duration.ofMinutes(30).toSeconds());
        }

        CleanupBatch first = sessions.cleanup(1).runToEnd();
        assertThat(first.entriesRemoved())
                .as("the 3 entries of the user who did not return")
                .isEqualTo(3);
        assertThat(first.usersVisited()).isGreaterThanOrEqualTo(2);
        if (backend.isRedis()) {
            assertThat(raw("gone")).isNull();
        }
        assertThat(sessions.cleanup(10).runToEnd().entriesRemoved()).isZero();
        assertThat(sessions.get(again.id())).isPresent();
    }

    // ---- limits

    @Test
    void evictOldestEndsTheLeastRecentlySeenSession() {
        sessions = store(Map.of("gatehouse.sessions.max-per-user", "3"));
        CreatedSession s1 = login("u1");
        clock.advance(Duration.ofMinutes(1));
        CreatedSession s2 = login("u1");
        clock.advance(Duration.ofMinutes(1));
        CreatedSession s3 = login("u1");
        clock.advance(Duration.ofMinutes(1));
        sessions.touch(s1.id()); // s2 is now the least recently seen
        CreatedSession s4 = login("u1");

        assertThat(events.ended)
                .containsExactly(new RecordingListener.Ended("u1", List.of(s2.handle()), EndReason.EVICTED));
        assertThat(sessions.list("u1"))
                .extracting(Session::handle)
                .containsExactlyInAnyOrder(s1.handle(), s3.handle(), s4.handle());
    }

    @Test
    void refuseKeepsTheExistingSessions() {
        sessions = store(Map.of("gatehouse.sessions.max-per-user", "2", "gatehouse.sessions.limit-policy", "refuse"));
        login("u1");
        login("u1");
        assertThatThrownBy(() -> login("u1")).isInstanceOf(SessionLimitExceededException.class);
        assertThat(sessions.list("u1")).hasSize(2);
        assertThat(events.ended).isEmpty();
        clock.advance(Duration.ofMinutes(31)); // both expired: room again
        assertThat(login("u1")).isNotNull();
    }

    @Test
    void twentyConcurrentLoginsNeverExceedTheLimitWithEvictOldest() throws Exception {
        sessions = store(
                Map.of("gatehouse.sessions.max-per-user", "5", "gatehouse.sessions.limit-policy", "evict-oldest"));
        List<Object> results = concurrentLogins(20);
        List<String> created = results.stream()
                .filter(r -> r instanceof CreatedSession)
                .map(r -> ((CreatedSession) r).handle())
                .toList();
        assertThat(created).hasSize(20);
        List<String> live = sessions.list("u1").stream().map(Session::handle).toList();
        assertThat(live).hasSize(5);
        List<String> evicted = events.endedIds(EndReason.EVICTED);
        assertThat(evicted).hasSize(15).doesNotHaveDuplicates().doesNotContainAnyElementsOf(live);
        List<String> all = new ArrayList<>(live);
        all.addAll(evicted);
        assertThat(all).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void twentyConcurrentLoginsNeverExceedTheLimitWithRefuse() throws Exception {
        sessions = store(Map.of("gatehouse.sessions.max-per-user", "5", "gatehouse.sessions.limit-policy", "refuse"));
        List<Object> results = concurrentLogins(20);
        List<String> created = results.stream()
                .filter(r -> r instanceof CreatedSession)
                .map(r -> ((CreatedSession) r).handle())
                .toList();
        assertThat(created).hasSize(5);
        assertThat(results.stream().filter(r -> r instanceof SessionLimitExceededException))
                .hasSize(15);
        assertThat(sessions.list("u1")).extracting(Session::handle).containsExactlyInAnyOrderElementsOf(created);
        assertThat(events.ended).isEmpty();
    }

    private List<Object> concurrentLogins(int n) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Object> login = () -> {
                    ready.countDown();
                    go.await();
                    try {
                        return login("u1");
                    } catch (SessionLimitExceededException e) {
                        return e;
                    }
                };
                futures.add(pool.submit(login));
            }
            ready.await();
            go.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- attributes

    @Test
    void attributesAreUpdatedAndBadOnesRefused() {
        CreatedSession s = sessions.create(
                NewSession.forUser("u1").attribute("a", "1").attribute("b", "2").build());
        Session u = sessions.updateAttributes(s.id(), Map.of("c", "3", "a", "9"), Set.of("b"))
                .orElseThrow();
        assertThat(u.attributes()).isEqualTo(Map.of("a", "9", "c", "3"));
        assertThat(sessions.get(s.id()).orElseThrow().attributes()).isEqualTo(Map.of("a", "9", "c", "3"));
        assertThatThrownBy(() -> sessions.updateAttributes(s.id(), Map.of("no spaces", "x"), Set.of()))
                .isInstanceOf(SessionInputException.class);
        assertThat(sessions.get(s.id()).orElseThrow().attributes()).isEqualTo(Map.of("a", "9", "c", "3"));
        sessions.end(s.id());
        assertThat(sessions.updateAttributes(s.id(), Map.of("x", "1"), Set.of()))
                .isEmpty();
    }

    // ---- devices

    @Test
    void sessionsAreGroupedByDeviceAndFingerprintsAreNotStored() {
        CreatedSession p1 = sessions.create(NewSession.forUser("u1")
                .userAgent("PhoneApp/1.0")
                .fingerprint("fp-phone-secret")
                .build());
        clock.advance(Duration.ofMinutes(1));
        CreatedSession p2 = sessions.create(NewSession.forUser("u1")
                .userAgent("PhoneApp/1.1")
                .fingerprint("fp-phone-secret")
                .build());
        CreatedSession laptop =
                sessions.create(NewSession.forUser("u1").userAgent(CHROME).build());

        List<Device> devices = sessions.devices("u1");
        assertThat(devices).hasSize(2);
        Device phone = devices.stream()
                .filter(d -> d.deviceId().equals(sessions.deviceId("fp-phone-secret")))
                .findFirst()
                .orElseThrow();
        assertThat(phone.sessions()).extracting(Session::handle).containsExactly(p2.handle(), p1.handle());
        assertThat(phone.userAgent()).contains("PhoneApp/1.1");
        assertThat(phone.firstSeenAt()).isEqualTo(p1.session().createdAt());
        assertThat(phone.trusted()).isFalse();
        assertThat(devices)
                .anySatisfy(d ->
                        assertThat(d.sessions()).extracting(Session::handle).containsExactly(laptop.handle()));
        if (backend.isRedis()) {
            assertThat(raw("u1")).doesNotContain("fp-phone-secret").doesNotContain("PhoneApp");
        }
    }

    @Test
    void trustedDevicesAreMarkedListedUnmarkedAndExpire() {
        CreatedSession s = sessions.create(
                NewSession.forUser("u1").userAgent(CHROME).fingerprint("laptop").build());
        String device = s.session().deviceId().orElseThrow();
        assertThat(sessions.isTrusted("u1", "laptop")).isFalse();

        TrustedDevice t = sessions.trustDevice("u1", device);
        assertThat(t.trustedUntil()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(t.userAgent()).contains(CHROME);
        assertThat(sessions.isTrusted("u1", "laptop")).isTrue();
        assertThat(sessions.isTrusted("u2", "laptop")).isFalse();
        assertThat(sessions.isTrusted("u1", "other")).isFalse();
        assertThat(sessions.trustedDevices("u1"))
                .extracting(TrustedDevice::deviceId)
                .containsExactly(device);
        assertThat(sessions.devices("u1"))
                .singleElement()
                .satisfies(d -> assertThat(d.trusted()).isTrue());
        assertThat(events.trusted).hasSize(1);

        assertThat(sessions.untrustDevice("u1", device)).isTrue();
        assertThat(sessions.untrustDevice("u1", device)).isFalse();
        assertThat(sessions.isTrusted("u1", "laptop")).isFalse();
        assertThat(events.untrusted).containsExactly("u1/" + device);

        sessions.trustDevice("u1", device);
        clock.advance(Duration.ofDays(30).minusSeconds(1));
        assertThat(sessions.isTrusted("u1", "laptop")).isTrue();
        assertThat(sessions.devices("u1"))
                .singleElement()
                .satisfies(d -> assertThat(d.sessions()).isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.isTrusted("u1", "laptop")).isFalse();
        assertThat(sessions.trustedDevices("u1")).isEmpty();
        assertThatThrownBy(() -> sessions.trustDevice("u1", "not a device")).isInstanceOf(SessionInputException.class);
    }

    @Test
    void aTrustedDeviceKeepsAUserKeyAliveAfterItsSessionsExpire() {
        CreatedSession s =
                sessions.create(NewSession.forUser("u1").fingerprint("tablet").build());
        sessions.trustDevice("u1", s.session().deviceId().orElseThrow(), Duration.ofDays(2));
        clock.advance(Duration.ofDays(1));
        login("u1"); // prunes the expired session, keeps the trust
        assertThat(sessions.isTrusted("u1", "tablet")).isTrue();
        assertThat(sessions.list("u1")).hasSize(1);
        if (backend.isRedis()) {
            Long ttl = backend.connector()
                    .sync(c -> c.ttl(backend.connector().keys().key("s", "u1")));
            assertThat(ttl).isGreaterThan(Duration.ofHours(23).toSeconds());
        }
    }

    @Test
    void listenerFailuresDoNotUndoTheChange() {
        SessionStore.Builder b = SessionStore.builder()
                .config(GatehouseConfig.builder()
                        .set("gatehouse.sessions.mac-key", MAC_KEY)
                        .set("gatehouse.sessions.device-key", DEVICE_KEY)
                        .build())
                .clock(clock)
                .listener(new SessionListener() {
                    @Override
                    public void sessionsEnded(String userId, List<String> ids, EndReason reason) {
                        throw new IllegalStateException("token service down");
                    }
                })
                .listener(events);
        SessionStore store = backend.isRedis()
                ? b.stores(backend.stores()).build()
                : b.inMemory().build();
        CreatedSession s = store.create(NewSession.forUser("u1").build());
        assertThat(store.end(s.id())).isTrue();
        assertThat(store.get(s.id())).isEqualTo(Optional.empty());
        assertThat(events.endedIds(EndReason.ENDED)).containsExactly(s.handle());
        assertThat(Instant.now()).isNotNull();
    }
}
