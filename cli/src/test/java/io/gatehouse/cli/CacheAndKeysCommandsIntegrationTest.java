package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.Gatehouse;
import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import io.gatehouse.cli.CliRun.Result;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.session.CleanupBatch;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionCleanup;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.user.Registration;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cache stats|warm|clear}, {@code keys retire} and a resumed {@code sessions cleanup}, in process on
 * the in-memory store, standalone Redis and a 3-master Cluster: the output (tables and parsed JSON) and
 * the state changed, read back through the library.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(
        value = Backend.class,
        names = {"IN_MEMORY", "STANDALONE", "CLUSTER"})
class CacheAndKeysCommandsIntegrationTest {
    @Parameter
    Backend backend;

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    private GatehouseConfig config;
    private Gatehouse gh;
    private User ann;
    private User bob;

    @BeforeEach
    void open() {
        backend.flush();
        config = CliRun.config(backend, dir);
        gh = Gatehouse.builder().config(config).clock(clock).build();
        ann = gh.users().register(new Registration("ann@example.com", "correct horse battery", Optional.empty()));
        bob = gh.users().register(new Registration("bob@example.org", "correct horse battery", Optional.empty()));
    }

    @AfterEach
    void close() {
        gh.close();
    }

    private Result run(String stdin, String... args) {
        return CliRun.on(gh, stdin, args);
    }

    private Result ok(String... args) {
        Result r = run("", args);
        assertThat(r.code())
                .as("exit code of %s; stderr: %s", List.of(args), r.err())
                .isZero();
        return r;
    }

    private long stored() {
        return gh.caches().usage(UserProfiles.CACHE, 0).entries();
    }

    // ---- cache

    @Test
    void cacheStatsCountsTheEntriesStoredPerCache() {
        gh.profiles().put(ann);
        gh.profiles().put(bob);
        gh.caches().cache("things", String.class).put("a", "x", Duration.ofMinutes(5), List.of("g"));

        JsonNode all = ok("cache", "stats", "-o", "json").json();
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        all.get("caches").forEach(c -> byName.put(c.get("cache").asText(), c));
        assertThat(byName).containsKeys("users", "things");
        assertThat(byName.get("users").get("entries").asLong()).isEqualTo(2);
        assertThat(byName.get("users").get("warmers").asInt()).isEqualTo(1);
        assertThat(byName.get("things").get("entries").asLong()).isEqualTo(1);
        assertThat(byName.get("users").get("bytes_estimated").asLong()).isPositive();
        if (backend.isRedis()) {
            assertThat(all.get("redis_keyspace_hit_ratio").asDouble()).isBetween(0.0, 1.0);
        } else {
            assertThat(all.get("redis_keyspace_hit_ratio").isNull()).isTrue();
        }

        JsonNode one = ok("cache", "stats", "users", "-o", "json").json();
        assertThat(one.get("caches")).hasSize(1);
        assertThat(ok("cache", "stats").out()).contains("CACHE", "ENTRIES", "users", "things");
        assertThat(run("", "cache", "stats", "Bad Name").code()).isEqualTo(2);
    }

    @Test
    void cacheWarmRunsTheConfiguredWarmersAndCachesEveryProfile() {
        assertThat(stored()).isZero();

        JsonNode r = ok("cache", "warm", "users", "-o", "json").json();

        assertThat(r.get("entries_written").asLong()).isEqualTo(2);
        assertThat(r.get("warmers").findValuesAsText("warmer")).containsExactly("users/profiles");
        assertThat(stored()).isEqualTo(2);
        assertThat(gh.profiles().get(ann.id()))
                .hasValueSatisfying(u -> assertThat(u.email()).isEqualTo("ann@example.com"));
        Result none = run("", "cache", "warm", "things");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("has no warmer");
    }

    @Test
    void cacheClearAsksForConfirmationAndRemovesEveryEntry() {
        gh.profiles().put(ann);
        gh.profiles().put(bob);

        Result refused = run("n\n", "cache", "clear", "users");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err())
                .contains("Remove all 2 entries of cache users")
                .contains("not confirmed");
        assertThat(run("", "cache", "clear", "users").code())
                .as("no answer is a no")
                .isEqualTo(2);
        assertThat(stored()).isEqualTo(2);

        Result yes = run("y\n", "cache", "clear", "users", "-o", "json");
        assertThat(yes.code()).isZero();
        assertThat(yes.json().get("removed").asLong()).isEqualTo(2);
        assertThat(stored()).isZero();

        gh.profiles().put(ann);
        assertThat(ok("cache", "clear", "users", "--yes").out()).contains("cleared users: 1 entries removed");
        assertThat(stored()).isZero();
        assertThat(gh.profiles().get(ann.id()))
                .as("loaded again from the database")
                .isPresent();
    }

    @Test
    void cacheClearEmptiesTheNearCachesOfOtherInstances() {
        if (!backend.isRedis()) {
            return; // one process: there is no other instance
        }
        GatehouseConfig near = config.toBuilder()
                .set("gatehouse.cache.things.near", "true")
                .set("gatehouse.cache.things.near-ttl", "10m")
                .build();
        try (Caches other = Caches.builder().stores(gh.stores()).config(near).build()) {
            Cache<String> theirs = other.cache("things", String.class);
            theirs.put("a", "x", Duration.ofMinutes(5));
            // Near copies are served once the instance heard its own heartbeat naming its near cache.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> theirs.get("a").isPresent() && theirs.stats().nearHits() > 0);

            ok("cache", "clear", "things", "--yes");

            await().atMost(Duration.ofSeconds(20)).until(() -> theirs.get("a").isEmpty());
        }
    }

    // ---- keys retire

    @Test
    void keysRetireRefusesTheActiveKeyAndAKeyWhoseTokensMayBeValidUnlessForced() {
        CreatedSession s = gh.sessions().create(NewSession.forUser(ann.id()).build());
        TokenPair pair = gh.tokens().issue(TokenRequest.of(ann.id(), s.handle()));
        String old = gh.tokens().activeKeyId();

        Result active = run("", "keys", "retire", old);
        assertThat(active.code()).isEqualTo(1);
        assertThat(active.err()).contains("is the active signing key");
        Result unknown = run("", "keys", "retire", "nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no key nope");

        String fresh = ok("keys", "rotate", "-o", "json").json().get("active").asText();
        Result refused = run("", "keys", "retire", old);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("may be valid until").contains("--force");
        assertThat(gh.tokens().verify(pair.accessToken()).keyId()).isEqualTo(old);

        JsonNode retired = ok("keys", "retire", old, "--force", "-o", "json").json();
        assertThat(retired.get("retired").asBoolean()).isTrue();
        assertThat(retired.get("forced").asBoolean()).isTrue();
        assertThat(ok("keys", "list").out()).contains(fresh).doesNotContain(old);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gh.tokens().verify(pair.accessToken()))
                .isInstanceOf(TokenRejectedException.class);
        assertThat(gh.tokens()
                        .verify(gh.tokens()
                                .issue(TokenRequest.of(ann.id(), s.handle()))
                                .accessToken())
                        .keyId())
                .isEqualTo(fresh);

        // Who did what, when: one event per rotation and per retirement, none for the refusals.
        gh.events().flush(Duration.ofSeconds(5));
        List<SecurityEvent> audit = gh.events()
                .query(EventQuery.builder().types(EventType.ADMIN_ACTION).build())
                .events();
        assertThat(audit)
                .extracting(e -> e.details().get("action") + " " + e.details().get("actor") + " "
                        + e.details().get("kid"))
                .containsExactlyInAnyOrder(
                        "rotate_signing_key operator:tester " + fresh, "retire_signing_key operator:tester " + old);
        SecurityEvent retirement = audit.stream()
                .filter(e -> "retire_signing_key".equals(e.details().get("action")))
                .findFirst()
                .orElseThrow();
        assertThat(retirement.details())
                .containsEntry("tokens_may_be_valid", "true")
                .containsEntry(
                        "tokens_valid_until", retired.get("tokens_valid_until").asText());
        assertThat(retirement.time()).isEqualTo(clock.instant());
    }

    // ---- sessions cleanup, resumed

    @Test
    void sessionsCleanupContinuesAnInterruptedPass() {
        for (int i = 0; i < 12; i++) {
            gh.sessions().create(NewSession.forUser("gone-" + i).build());
        }
        clock.advance(Duration.ofDays(1));
        SessionCleanup interrupted = gh.sessions().resumableCleanup(2, false);
        CleanupBatch first = interrupted.next();
        CleanupBatch rest = interrupted.stop();

        JsonNode r = ok("sessions", "cleanup", "--batch", "2", "-o", "json").json();

        assertThat(r.get("resumed").asBoolean()).isTrue();
        assertThat(r.get("complete").asBoolean()).isTrue();
        assertThat(r.get("pass_entries_removed").asLong()).isEqualTo(12);
        assertThat(r.get("entries_removed").asLong()).isEqualTo(12 - first.entriesRemoved() - rest.entriesRemoved());
        assertThat(gh.sessions().cleanup(100, true).runToEnd().entriesRemoved()).isZero();
        JsonNode again = ok("sessions", "cleanup", "-o", "json").json();
        assertThat(again.get("resumed").asBoolean())
                .as("the finished pass left nothing to resume")
                .isFalse();
    }
}
