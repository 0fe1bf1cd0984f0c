package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entries stored in the text format (what versions before the compact format wrote, and what is still
 * written when the compact one cannot hold a session) are read through the public API with everything
 * they hold, live beside compact ones in one user's key, and are rewritten compactly when next written.
 * On Redis the value is laid out exactly as the previous version left it (a "\n" before every entry, the
 * user agent named by its 64-bit plain SHA-256); in memory the entries go in through the backend.
 */
class SessionRecordMigrationIntegrationTest extends StoreContract {
    static final String UA = SessionStoreIntegrationTest.CHROME;
    static final String OTHER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";

    MutableClock clock;
    RecordingListener events;
    SessionBackend storage;
    SessionKeys keys;
    RecordCodec codec;
    SessionStore sessions;

    @BeforeEach
    void open() {
        clock = MutableClock.at("2026-03-02T09:00:00Z");
        events = new RecordingListener();
        storage = backend.isRedis() ? new RedisSessionBackend(backend.connector()) : new InMemorySessionBackend(clock);
        sessions = store(Map.of());
        codec = new RecordCodec(keys);
    }

    SessionStore store(Map<String, String> extra) {
        GatehouseConfig.Builder config = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY)
                .set("gatehouse.sessions.device-key", SessionStoreIntegrationTest.DEVICE_KEY)
                .set("gatehouse.sessions.idle-timeout", "30m")
                .set("gatehouse.sessions.absolute-timeout", "2h");
        extra.forEach(config::set);
        GatehouseConfig c = config.build();
        keys = SessionKeys.from(c, true);
        return new DefaultSessionStore(SessionSettings.from(c), keys, storage, clock, List.of(events));
    }

    long now() {
        return clock.millis() / 1000;
    }

    /** A session as the previous version stored it; returns its id. */
    record Legacy(String id, String name, String entry) {}

    Legacy legacy(
            String user,
            long created,
            long lastSeen,
            String ip,
            String fingerprint,
            String ua,
            Map<String, String> attrs) {
        String random = SessionIds.newRandomPart();
        String name = codec.handleName(user, random);
        String uaHash = UserAgents.legacyHash(ua);
        storage.putUserAgent(uaHash, ua, 86_400).join();
        String entry = codec.text(
                user,
                name,
                created,
                lastSeen,
                RecordCodec.packIp(ip),
                codec.deviceId("fp", fingerprint),
                uaHash,
                RecordCodec.encodeAttributes(attrs));
        return new Legacy(SessionIds.compose(random, user), name, entry);
    }

    /** Stores the entries as the previous version left them. */
    void storeAsBefore(String user, String... entries) {
        long ttl = 3600;
        if (backend.isRedis()) {
            StringBuilder value = new StringBuilder();
            for (String e : entries) {
                value.append('\n').append(e); // the previous layout: every entry preceded by "\n"
            }
            String key = backend.connector().keys().key("s", user);
            backend.connector().sync(c -> c.set(key, value.toString(), SetArgs.Builder.ex(ttl)));
        } else {
            for (String e : entries) {
                storage.create(user, new SessionBackend.Expiry(now(), 1800, 7200), 0, false, 1000, e, now() + ttl);
            }
        }
    }

    String stored(String user, String name) {
        return storage.get(user, name).orElseThrow();
    }

    @Test
    void aSessionStoredInTheTextFormatIsReadWithEverythingItHolds() {
        long created = now() - 600;
        Legacy old = legacy(
                "u1",
                created,
                created + 120,
                "2001:db8::7",
                "phone-cookie",
                UA,
                Map.of("locale", "en-GB", "note", "a|b\nc&d=e"));
        String trust = codec.trust(
                "u1", codec.deviceId("fp", "phone-cookie"), created, created + 86_400, UserAgents.legacyHash(UA));
        storeAsBefore("u1", old.entry(), trust);

        Session s = sessions.get(old.id()).orElseThrow();
        assertThat(s.handle()).isEqualTo(SessionIds.compose(old.name(), "u1"));
        assertThat(s.createdAt()).isEqualTo(Instant.ofEpochSecond(created));
        assertThat(s.lastSeenAt()).isEqualTo(Instant.ofEpochSecond(created + 120));
        assertThat(s.expiresAt()).isEqualTo(Instant.ofEpochSecond(created + 120 + 1800));
        assertThat(s.absoluteExpiresAt()).isEqualTo(Instant.ofEpochSecond(created + 7200));
        assertThat(s.ip()).contains("2001:db8:0:0:0:0:0:7");
        assertThat(s.userAgent()).contains(UA);
        assertThat(s.deviceId()).contains(sessions.deviceId("phone-cookie"));
        assertThat(s.attributes()).isEqualTo(Map.of("locale", "en-GB", "note", "a|b\nc&d=e"));
        assertThat(sessions.getByHandle(s.handle())).contains(s);
        assertThat(sessions.list("u1")).containsExactly(s);
        assertThat(sessions.devices("u1")).singleElement().satisfies(d -> {
            assertThat(d.sessions()).containsExactly(s);
            assertThat(d.userAgent()).contains(UA);
            assertThat(d.trustedUntil()).contains(Instant.ofEpochSecond(created + 86_400));
        });
        assertThat(sessions.isTrusted("u1", "phone-cookie")).isTrue();
        assertThat(sessions.trustedDevices("u1"))
                .singleElement()
                .satisfies(t -> assertThat(t.userAgent()).contains(UA));
    }

    @Test
    void theNextWriteRewritesATextEntryCompactlyAndLosesNothing() {
        long created = now() - 600;
        Legacy old = legacy("u1", created, created, "203.0.113.7", "laptop-cookie", UA, Map.of());
        Legacy other = legacy("u1", created, created, "203.0.113.8", "other-cookie", OTHER_UA, Map.of("k", "v"));
        storeAsBefore("u1", old.entry(), other.entry());

        Session touched = sessions.touch(old.id()).orElseThrow();
        assertThat(touched.lastSeenAt()).isEqualTo(clock.instant());
        String rewritten = stored("u1", old.name());
        assertThat(rewritten).as("compact: no '|'").doesNotContain("|").hasSizeLessThanOrEqualTo(60);
        assertThat(stored("u1", other.name()))
                .as("the other entry is untouched")
                .isEqualTo(other.entry());

        Optional<Session> updated = sessions.updateAttributes(other.id(), Map.of("k", "w"), java.util.Set.of());
        assertThat(updated.orElseThrow().attributes()).isEqualTo(Map.of("k", "w"));
        assertThat(stored("u1", other.name())).doesNotContain("|");

        // A process that never saw these user agents resolves them from the rewritten entries' keyed hashes.
        SessionStore fresh = store(Map.of());
        Session read = fresh.get(old.id()).orElseThrow();
        assertThat(read).isEqualTo(touched);
        assertThat(read.userAgent()).contains(UA);
        assertThat(read.ip()).contains("203.0.113.7");
        assertThat(read.deviceId()).contains(sessions.deviceId("laptop-cookie"));
        assertThat(read.createdAt()).isEqualTo(Instant.ofEpochSecond(created));
        assertThat(fresh.get(other.id()).orElseThrow().userAgent()).contains(OTHER_UA);
    }

    @Test
    void bothFormatsLiveInOneKeyForLimitsEndingAndCleanup() {
        sessions = store(Map.of("gatehouse.sessions.max-per-user", "2"));
        long t = now();
        Legacy oldest = legacy("u1", t - 900, t - 900, "203.0.113.1", "a", UA, Map.of());
        Legacy recent = legacy("u1", t - 900, t - 60, "203.0.113.2", "b", UA, Map.of());
        Legacy expired = legacy("u1", t - 3600, t - 3600, "203.0.113.3", "c", UA, Map.of()); // idle 30 min
        storeAsBefore("u1", oldest.entry(), recent.entry(), expired.entry());

        CreatedSession fresh = sessions.create(
                NewSession.forUser("u1").ip("203.0.113.9").userAgent(UA).build());
        assertThat(events.ended)
                .as("the least recently seen one goes, whatever its format; the expired one silently")
                .containsExactly(new RecordingListener.Ended(
                        "u1", List.of(SessionIds.compose(oldest.name(), "u1")), EndReason.EVICTED));
        assertThat(sessions.list("u1"))
                .extracting(Session::handle)
                .containsExactly(fresh.handle(), SessionIds.compose(recent.name(), "u1"));

        assertThat(sessions.endAllBut(fresh.id())).containsExactly(SessionIds.compose(recent.name(), "u1"));
        assertThat(sessions.list("u1")).extracting(Session::handle).containsExactly(fresh.handle());

        Legacy gone = legacy("u2", t - 1700, t - 1700, "203.0.113.4", "d", UA, Map.of());
        Legacy live = legacy("u2", t - 60, t - 60, "203.0.113.5", "e", UA, Map.of());
        storeAsBefore("u2", gone.entry(), live.entry());
        clock.advance(Duration.ofSeconds(200)); // the first is past its idle timeout now
        assertThat(sessions.cleanup(10).runToEnd().entriesRemoved()).isEqualTo(1);
        assertThat(sessions.get(live.id())).isPresent();
        assertThat(sessions.end(live.id())).isTrue();
        assertThat(sessions.list("u2")).isEmpty();
    }

    @Test
    void whatTheCompactFormatCannotHoldIsStillWrittenAsText() {
        sessions = store(Map.of("gatehouse.sessions.absolute-timeout", "30d", "gatehouse.sessions.idle-timeout", "4d"));
        CreatedSession s = sessions.create(
                NewSession.forUser("u1").ip("203.0.113.7").userAgent(UA).build());
        assertThat(stored("u1", s.handle().substring(0, 16))).doesNotContain("|");
        // Seen more than 2^18 s (72 h) after creation: past the compact format's last-seen digits.
        List<Instant> seen = new ArrayList<>();
        for (int day = 1; day <= 4; day++) {
            clock.advance(Duration.ofDays(1));
            seen.add(sessions.touch(s.id()).orElseThrow().lastSeenAt());
        }
        assertThat(seen).last().isEqualTo(clock.instant());
        assertThat(stored("u1", s.handle().substring(0, 16))).contains("|");
        Session read = sessions.get(s.id()).orElseThrow();
        assertThat(read.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(read.userAgent()).contains(UA);
        assertThat(read.ip()).contains("203.0.113.7");
    }
}
