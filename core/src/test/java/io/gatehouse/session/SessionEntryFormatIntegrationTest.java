package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade from a version before the compact format: instances configured
 * {@code gatehouse.sessions.entry-format = text} write what that version reads and keeps, and switching
 * to {@code compact} afterwards migrates each entry on its next write. Two stores over one backend stand
 * for two instances. On Redis the "old instance" is the previous version's own scripts, verbatim from the
 * commit before the compact format ({@code previous/*.lua} in the test resources): its {@code get.lua}
 * must find every entry, its {@code prune.lua} and {@code create.lua} must keep them all, and the user
 * agent must be under the key that version looks up (the plain 64-bit SHA-256); the Java side of that
 * version parsed text entries exactly as {@link RecordCodec#parseSession} parses them now.
 */
class SessionEntryFormatIntegrationTest extends StoreContract {
    static final String UA = SessionStoreIntegrationTest.CHROME;
    private static final RedisScript OLD_GET =
            RedisScript.load(SessionEntryFormatIntegrationTest.class, "previous/get.lua", RedisScript.Reply.VALUE);
    private static final RedisScript OLD_PRUNE =
            RedisScript.load(SessionEntryFormatIntegrationTest.class, "previous/prune.lua", RedisScript.Reply.MULTI);
    private static final RedisScript OLD_CREATE =
            RedisScript.load(SessionEntryFormatIntegrationTest.class, "previous/create.lua", RedisScript.Reply.MULTI);

    MutableClock clock;
    SessionKeys keys;
    RecordCodec codec;

    @BeforeEach
    void open() {
        clock = MutableClock.at("2026-03-02T09:00:00Z");
    }

    /** An instance with the given entry format; every instance of a test shares the backend's storage. */
    SessionStore instance(String format, SessionBackend[] shared) {
        GatehouseConfig c = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY)
                .set("gatehouse.sessions.device-key", SessionStoreIntegrationTest.DEVICE_KEY)
                .set("gatehouse.sessions.idle-timeout", "30m")
                .set("gatehouse.sessions.absolute-timeout", "2h")
                .set("gatehouse.sessions.entry-format", format)
                .build();
        SessionSettings settings = SessionSettings.from(c);
        keys = SessionKeys.from(c, true);
        codec = new RecordCodec(keys);
        if (backend.isRedis()) {
            shared[0] = new RedisSessionBackend(backend.connector(), settings.entryFormat());
        } else if (shared[0] == null) {
            shared[0] = new InMemorySessionBackend(clock);
        }
        return new DefaultSessionStore(settings, keys, shared[0], clock, List.of());
    }

    long now() {
        return clock.millis() / 1000;
    }

    String name(String handle) {
        return handle.substring(0, SessionIds.HANDLE_CHARS);
    }

    String userKey(String user) {
        return backend.connector().keys().key("s", user);
    }

    String raw(String user) {
        String key = userKey(user);
        return backend.connector().sync(c -> c.get(key));
    }

    /** The entry as the previous version's get.lua finds it by name (null if it cannot). */
    String oldGet(String user, String name) {
        return backend.connector().eval(OLD_GET, List.of(userKey(user)), name);
    }

    /** What the previous version's Java side required of a session entry it read: the text layout, its MAC. */
    void assertOldReadable(String user, String entry, String uaHash) {
        String[] f = entry.split("\\|", -1);
        assertThat(f).as("text layout: 8 fields").hasSize(8);
        assertThat(f[5]).as("user agent named by its plain SHA-256").isEqualTo(uaHash);
        assertThat(f[7]).as("96-bit MAC").hasSize(16);
        assertThat(codec.parseSession(user, entry)).isPresent();
    }

    @Test
    void textInstancesWriteWhatTheOldVersionReadsAndKeeps() {
        SessionBackend[] shared = new SessionBackend[1];
        SessionStore text = instance("text", shared);
        CreatedSession a = text.create(NewSession.forUser("u1")
                .ip("203.0.113.7")
                .userAgent(UA)
                .fingerprint("laptop")
                .attribute("locale", "en-GB")
                .build());
        CreatedSession b = text.create(
                NewSession.forUser("u1").ip("2001:db8::1").userAgent(UA).build());
        text.trustDevice("u1", a.session().deviceId().orElseThrow());
        clock.advance(Duration.ofMinutes(5));
        assertThat(text.touch(a.id())).isPresent(); // a rewrite (after the touch interval)
        assertThat(text.updateAttributes(b.id(), Map.of("theme", "dark"), java.util.Set.of()))
                .isPresent();
        CreatedSession c = text.create(NewSession.forUser("u1").userAgent(UA).build());
        assertThat(text.end(c.id())).isTrue(); // end.lua rewrites the value

        String legacyUa = UserAgents.legacyHash(UA);
        List<String> names = List.of(name(a.handle()), name(b.handle()));
        for (String n : names) {
            String entry = shared[0].get("u1", n).orElseThrow();
            assertOldReadable("u1", entry, legacyUa);
        }
        assertThat(text.get(a.id()).orElseThrow().lastSeenAt()).isEqualTo(clock.instant());
        assertThat(text.get(b.id()).orElseThrow().attributes()).containsEntry("theme", "dark");
        assertThat(text.get(a.id()).orElseThrow().userAgent()).contains(UA);

        if (!backend.isRedis()) {
            return;
        }
        String value = raw("u1");
        assertThat(value).as("a newline before every entry").matches("(\n[^\n]+)+");
        assertThat(value.split("\n")).hasSize(4); // "", a, b, the trust entry
        for (String n : names) {
            String entry = oldGet("u1", n);
            assertThat(entry).as("the old get.lua finds " + n).isNotNull();
            assertOldReadable("u1", entry, legacyUa);
        }
        String trust = oldGet("u1", "~" + a.session().deviceId().orElseThrow());
        assertThat(trust).as("the old get.lua finds the trust entry").isNotNull();
        assertThat(trust.split("\\|", -1)[3]).isEqualTo(legacyUa);
        String uaKey = backend.connector().keys().key("ua", legacyUa);
        assertThat(backend.connector().<String>sync(x -> x.get(uaKey)))
                .as("the text under the old version's key")
                .isEqualTo(UA);

        // The old version's list/cleanup keeps every entry, and so does its create (which adds one of its own).
        List<Object> pruned = backend.connector()
                .eval(OLD_PRUNE, List.of(userKey("u1")), Long.toString(now()), "1800", "7200", "apply");
        assertThat(pruned.get(0)).isEqualTo(0L);
        String oldEntry = codec.text("u1", "OLDOLDOLDOLDOLDO", now(), now(), "", "", "", "");
        backend.connector()
                .eval(
                        OLD_CREATE,
                        List.of(userKey("u1")),
                        Long.toString(now()),
                        "1800",
                        "7200",
                        "0",
                        "evict",
                        "1000",
                        oldEntry,
                        Long.toString(now() + 1800));
        assertThat(raw("u1")).startsWith(value).endsWith("\n" + oldEntry);
        assertThat(text.list("u1")).hasSize(3);
    }

    @Test
    void compactEntriesAreWhatTheOldVersionCannotRead() {
        // The control: without the setting the old get.lua misses a one-session value's entry.
        SessionStore compact = instance("compact", new SessionBackend[1]);
        CreatedSession a = compact.create(NewSession.forUser("u2").userAgent(UA).build());
        if (backend.isRedis()) {
            assertThat(oldGet("u2", name(a.handle()))).isNull();
        }
        assertThat(compact.get(a.id())).isPresent();
    }

    @Test
    void switchingToCompactMigratesOnTheNextWrite() {
        SessionBackend[] shared = new SessionBackend[1];
        SessionStore text = instance("text", shared);
        CreatedSession a = text.create(NewSession.forUser("u3")
                .ip("203.0.113.9")
                .userAgent(UA)
                .fingerprint("phone")
                .build());
        CreatedSession b = text.create(NewSession.forUser("u3").userAgent(UA).build());
        assertThat(shared[0].get("u3", name(a.handle())).orElseThrow()).contains("|");

        SessionStore compact = instance("compact", shared); // every instance restarted with compact
        Session before = compact.get(a.id()).orElseThrow();
        clock.advance(Duration.ofMinutes(5));
        Session touched = compact.touch(a.id()).orElseThrow();
        String entry = shared[0].get("u3", name(a.handle())).orElseThrow();
        assertThat(entry).doesNotContain("|").hasSizeLessThanOrEqualTo(60);
        assertThat(touched.userAgent()).contains(UA);
        assertThat(touched.deviceId()).isEqualTo(before.deviceId());
        assertThat(touched.ip()).isEqualTo(before.ip());
        // b is untouched: still text, still served
        assertThat(shared[0].get("u3", name(b.handle())).orElseThrow()).contains("|");
        assertThat(compact.get(b.id())).isPresent();

        if (backend.isRedis()) {
            compact.end(b.id()); // a script rewriting the value drops the leading newline
            assertThat(raw("u3")).isEqualTo(entry);
        }
        // and back: an instance configured text rewrites a compact entry as text (a rollback)
        SessionStore again = instance("text", shared);
        clock.advance(Duration.ofMinutes(5));
        assertThat(again.touch(a.id()).orElseThrow().userAgent()).contains(UA);
        assertOldReadable("u3", shared[0].get("u3", name(a.handle())).orElseThrow(), UserAgents.legacyHash(UA));
    }
}
