package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.Gatehouse;
import io.gatehouse.cache.Cache;
import io.gatehouse.cli.CliRun.Result;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.user.Registration;
import io.gatehouse.user.User;
import io.gatehouse.user.UserStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every command in this process, on the in-memory store and on real Redis (standalone and Cluster):
 * what it prints (tables and parsed {@code --output json}) and the state it changed, read back through
 * the library.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(
        value = Backend.class,
        names = {"IN_MEMORY", "STANDALONE", "CLUSTER"})
class CommandsIntegrationTest {
    private static final String PASSWORD = "correct horse battery";

    @Parameter
    Backend backend;

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    private Gatehouse gh;
    private User ann;
    private User bob;

    @BeforeEach
    void open() {
        backend.flush();
        GatehouseConfig config = backend.configBuilder()
                .dataDir(dir)
                .set("gatehouse.db.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                .build();
        gh = Gatehouse.builder().config(config).clock(clock).build();
        ann = gh.users().register(new Registration("ann@example.com", PASSWORD, Optional.of("Ann Example")));
        bob = gh.users().register(new Registration("bob@example.org", PASSWORD, Optional.empty()));
    }

    @AfterEach
    void close() {
        gh.close();
    }

    private Result run(String... args) {
        return CliRun.on(gh, "", args);
    }

    private Result ok(String... args) {
        Result r = run(args);
        assertThat(r.code())
                .as("exit code of %s; stderr: %s", List.of(args), r.err())
                .isZero();
        return r;
    }

    private TokenPair login(User u) {
        CreatedSession s =
                gh.sessions().create(NewSession.forUser(u.id()).ip("192.0.2.7").build());
        return gh.tokens().issue(TokenRequest.of(u.id(), s.handle()));
    }

    private boolean works(TokenPair pair) {
        try {
            gh.tokens().verify(pair.accessToken());
            return true;
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    @Test
    void usersListShowsAndPagesByQuery() {
        JsonNode all = ok("users", "list", "--output", "json").json();
        assertThat(all.get("total").asLong()).isEqualTo(2);
        assertThat(all.get("users").findValuesAsText("email")).containsExactly("ann@example.com", "bob@example.org");

        JsonNode page = ok("users", "list", "--query", "EXAMPLE", "--limit", "1", "-o", "json")
                .json();
        assertThat(page.get("users")).hasSize(1);
        assertThat(page.get("has_more").asBoolean()).isTrue();

        Result table = ok("users", "list", "--query", "bob");
        assertThat(table.out())
                .contains("EMAIL")
                .contains("bob@example.org")
                .doesNotContain("ann@example.com")
                .contains("1 of 1");

        login(ann);
        JsonNode shown = ok("users", "show", ann.id(), "--output", "json").json();
        assertThat(shown.get("email").asText()).isEqualTo("ann@example.com");
        assertThat(shown.get("live_sessions").asInt()).isEqualTo(1);
        assertThat(ok("users", "show", "ann@example.com").out())
                .contains("full_name:")
                .contains("Ann Example");
    }

    @Test
    void suspendRevokesEveryTokenAndReactivateLetsTheUserBack() {
        TokenPair a1 = login(ann);
        TokenPair a2 = login(ann);
        TokenPair b = login(bob);

        JsonNode r = ok("users", "suspend", "ann@example.com", "--reason", "stolen laptop", "-o", "json")
                .json();
        assertThat(r.get("sessions_ended").asInt()).isEqualTo(2);
        assertThat(works(a1)).isFalse();
        assertThat(works(a2)).isFalse();
        assertThat(works(b)).as("another user").isTrue();
        assertThat(gh.users().find(ann.id()).orElseThrow().status()).isEqualTo(UserStatus.SUSPENDED);

        assertThat(ok("users", "reactivate", ann.id()).out()).contains("reactivated ann@example.com");
        assertThat(gh.users().find(ann.id()).orElseThrow().status()).isEqualTo(UserStatus.ACTIVE);
        assertThat(works(a1)).as("revoked tokens stay revoked").isFalse();

        gh.events().flush(Duration.ofSeconds(5));
        assertThat(gh.events()
                        .query(io.gatehouse.event.EventQuery.builder()
                                .user(ann.id())
                                .types(EventType.ADMIN_ACTION)
                                .build())
                        .events())
                .extracting(e -> e.details().get("action") + " " + e.details().get("actor"))
                .contains("suspend_user operator:tester", "reactivate_user operator:tester");
    }

    @Test
    void rolesReplaceTheRolesAndARemovedRoleRevokesTokens() {
        TokenPair a = login(ann);
        JsonNode r = ok("users", "roles", "ann@example.com", "admin", "user", "-o", "json")
                .json();
        assertThat(r.get("roles").toString()).isEqualTo("[\"admin\",\"user\"]");
        assertThat(works(a)).as("nothing taken away").isTrue();

        ok("users", "roles", ann.id(), "admin");
        assertThat(gh.users().find(ann.id()).orElseThrow().roles()).containsExactly("admin");
        assertThat(works(a)).as("'user' taken away").isFalse();

        Result bad = run("users", "roles", ann.id(), "Not A Role");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("roles");
    }

    @Test
    void sessionsListEndAndEndAll() {
        TokenPair a1 = login(ann);
        TokenPair a2 = login(ann);
        TokenPair a3 = login(ann);
        String s1 = gh.tokens().verify(a1.accessToken()).sessionId();
        String s2 = gh.tokens().verify(a2.accessToken()).sessionId();
        String s3 = gh.tokens().verify(a3.accessToken()).sessionId();

        JsonNode list = ok("sessions", "list", "ann@example.com", "-o", "json").json();
        assertThat(list.findValuesAsText("id")).containsExactlyInAnyOrder(s1, s2, s3);
        assertThat(list.findValuesAsText("ip")).containsOnly("192.0.2.7");

        assertThat(ok("sessions", "end", "--", s1).out()).contains("ended session");
        assertThat(works(a1)).isFalse();
        assertThat(works(a2)).isTrue();

        Result again = run("sessions", "end", "--", s1);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("no live session");

        JsonNode all = ok("sessions", "end-all", ann.id(), "--except=" + s3, "-o", "json")
                .json();
        assertThat(all.get("sessions_ended").asInt()).isEqualTo(1);
        assertThat(works(a2)).isFalse();
        assertThat(works(a3)).isTrue();
        ok("sessions", "end-all", "ann@example.com");
        assertThat(works(a3)).isFalse();
        assertThat(gh.sessions().list(ann.id())).isEmpty();
    }

    @Test
    void cleanupRemovesExpiredSessionsOfEveryUser() {
        login(ann);
        login(bob);
        clock.advance(gh.sessions().settings().idleTimeout().plusSeconds(1));
        // A third user: a login of ann or bob would drop their expired entry itself.
        CreatedSession s = gh.sessions().create(NewSession.forUser("carol-id").build());
        TokenPair fresh = gh.tokens().issue(TokenRequest.of("carol-id", s.handle()));

        JsonNode dry = ok("sessions", "cleanup", "--dry-run", "-o", "json").json();
        assertThat(dry.get("entries_expired").asInt()).isEqualTo(2);
        assertThat(dry.get("entries_removed").asInt()).isZero();
        assertThat(run("sessions", "cleanup", "--batch", "0").code()).isEqualTo(2);

        JsonNode r = ok("sessions", "cleanup", "--batch", "1", "-o", "json").json();
        assertThat(r.get("entries_removed").asInt()).isEqualTo(2);
        assertThat(r.get("users_visited").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(r.get("complete").asBoolean()).isTrue();
        assertThat(works(fresh)).isTrue();
        assertThat(ok("sessions", "cleanup", "-o", "json")
                        .json()
                        .get("entries_removed")
                        .asInt())
                .isZero();
    }

    @Test
    void tokensRevokeByIdSessionUserAndFromStdin() {
        TokenPair a = login(ann);
        TokenPair b = login(ann);
        TokenPair c = login(bob);
        String jti = gh.tokens().verify(a.accessToken()).tokenId();

        ok("tokens", "revoke", "--jti", jti, "--reason", "leaked");
        assertThat(works(a)).isFalse();
        assertThat(works(b)).isTrue();

        Result fromStdin = CliRun.on(gh, b.accessToken() + "\n", "tokens", "revoke-token", "-", "--reason", "pasted");
        assertThat(fromStdin.code()).isZero();
        assertThat(fromStdin.out()).doesNotContain(b.accessToken());
        assertThat(works(b)).isFalse();
        assertThat(CliRun.on(gh, "", "tokens", "revoke-token", "-", "--reason", "x")
                        .code())
                .isEqualTo(2);
        assertThat(CliRun.on(gh, "not-a-token", "tokens", "revoke-token", "-", "--reason", "x")
                        .code())
                .isEqualTo(1);
        assertThat(run("tokens", "revoke-token", c.accessToken(), "--reason", "x")
                        .code())
                .as("never on the command line")
                .isEqualTo(2);

        JsonNode user = ok("tokens", "revoke", "--user", "bob@example.org", "--reason", "takeover", "-o", "json")
                .json();
        assertThat(user.get("sessions_ended").asInt()).isEqualTo(1);
        assertThat(works(c)).isFalse();

        assertThat(run("tokens", "revoke", "--jti", "x", "--user", "y", "--reason", "z")
                        .code())
                .as("one target")
                .isEqualTo(2);
        JsonNode stats = ok("tokens", "stats", "-o", "json").json();
        assertThat(stats.get("by_kind").get("token").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(stats.get("by_kind").get("user").asLong()).isEqualTo(1);
    }

    @Test
    void keysListAndRotate() {
        String before = gh.tokens().activeKeyId();
        JsonNode list = ok("keys", "list", "-o", "json").json();
        assertThat(list.findValuesAsText("kid")).contains(before);
        JsonNode rotated = ok("keys", "rotate", "-o", "json").json();
        String after = rotated.get("active").asText();
        assertThat(after).isNotEqualTo(before).isEqualTo(gh.tokens().activeKeyId());
        assertThat(ok("keys", "list").out()).contains(before).contains(after);
    }

    @Test
    void rateLimitPoliciesStatusAndReset() {
        assertThat(ok("ratelimit", "policies", "-o", "json").json().findValuesAsText("name"))
                .contains("api-user", "login-ip");
        // 5 a minute: what the three requests use does not come back while the test runs.
        long fresh = ok("ratelimit", "status", "login-account", "u-1", "-o", "json")
                .json()
                .get("remaining")
                .asLong();
        for (int i = 0; i < 3; i++) {
            gh.rateLimiter().decide(gh.policies().policy("login-account"), "u-1");
        }
        assertThat(ok("ratelimit", "status", "login-account", "u-1", "-o", "json")
                        .json()
                        .get("remaining")
                        .asLong())
                .isLessThan(fresh);
        ok("ratelimit", "reset", "login-account", "u-1");
        assertThat(ok("ratelimit", "status", "login-account", "u-1", "-o", "json")
                        .json()
                        .get("remaining")
                        .asLong())
                .isEqualTo(fresh);
        Result unknown = run("ratelimit", "status", "nope", "u-1");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no rate-limit policy nope");
    }

    @Test
    void lockoutListStatusAndUnlock() {
        for (int i = 0; i < 5; i++) {
            gh.loginGuard().failure("203.0.113.7", "ann@example.com");
        }
        assertThat(gh.loginGuard().check("203.0.113.7", "ann@example.com").locked())
                .isTrue();

        JsonNode list = ok("lockout", "list", "-o", "json").json();
        assertThat(list.findValuesAsText("account")).contains("ann@example.com");
        Result status = run("lockout", "status", "ann@example.com", "--ip", "203.0.113.7", "-o", "json");
        assertThat(status.code()).as("locked").isEqualTo(1);
        assertThat(status.json().get("login_refused").asBoolean()).isTrue();

        ok("lockout", "unlock", "ann@example.com");
        assertThat(gh.loginGuard().check("203.0.113.7", "ann@example.com").locked())
                .isFalse();
        assertThat(ok("lockout", "list", "-o", "json").json()).isEmpty();
        assertThat(ok("lockout", "status", "ann@example.com", "--ip", "203.0.113.7", "-o", "json")
                        .json()
                        .get("locked")
                        .asBoolean())
                .isFalse();
        assertThat(run("lockout", "unlock").code()).isEqualTo(2);
    }

    @Test
    void cacheInvalidateByKeyAndGroup() {
        Cache<String> things = gh.caches().cache("things", String.class);
        things.put("a", "1", Duration.ofMinutes(5), List.of("g"));
        things.put("b", "2", Duration.ofMinutes(5), List.of("g"));
        things.put("c", "3", Duration.ofMinutes(5));

        ok("cache", "invalidate", "things", "c");
        assertThat(things.get("c")).isEmpty();
        assertThat(things.get("a")).contains("1");
        ok("cache", "invalidate-group", "things", "g", "-o", "json");
        assertThat(things.get("a")).isEmpty();
        assertThat(things.get("b")).isEmpty();
        assertThat(run("cache", "invalidate", "things", "bad key").code()).isEqualTo(2);
    }

    @Test
    void eventsQueryExportAndTail() throws Exception {
        gh.events()
                .record(SecurityEvent.builder(EventType.LOGIN_FAILURE)
                        .user(ann.id())
                        .ip("192.0.2.1")
                        .reason("bad, \"password\""));
        gh.events().record(SecurityEvent.builder(EventType.LOGIN_SUCCESS).user(bob.id()));
        gh.events().flush(Duration.ofSeconds(5));

        JsonNode q =
                ok("events", "query", "--user", "ann@example.com", "-o", "json").json();
        assertThat(q.findValuesAsText("type")).containsExactly("login_failure");
        assertThat(ok("events", "query", "--type", "login_success", "-o", "json")
                        .json()
                        .findValuesAsText("user"))
                .containsExactly(bob.id());
        assertThat(run("events", "query", "--type", "nope").code()).isEqualTo(2);

        Path jsonl = dir.resolve("out.jsonl");
        ok("events", "export", "--since", "2029-12-31", "--until", "2030-01-02", "--file", jsonl.toString());
        assertThat(Files.readAllLines(jsonl)).hasSize(2).allMatch(l -> l.startsWith("{"));
        Path csv = dir.resolve("out.csv");
        ok("events", "export", "--since", "1d", "--until", "2030-01-02", "--format", "csv", "--file", csv.toString());
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).startsWith("id,time,type,severity,user");
        assertThat(rows).hasSize(3).anyMatch(r -> r.contains("\"bad, \"\"password\"\"\""));
        assertThat(Files.exists(dir.resolve("out.csv.partial"))).isFalse();
        Result stdout = ok("events", "export", "--since", "1d", "--until", "2030-01-02");
        assertThat(stdout.out().lines()).hasSize(2);

        clock.advance(Duration.ofSeconds(1));
        new Thread(() -> {
                    gh.events().record(SecurityEvent.builder(EventType.LOGOUT).user(ann.id()));
                })
                .start();
        Result tail = ok("events", "tail", "--count", "1", "--interval", "50", "-o", "json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(tail.out().lines().findFirst().orElseThrow())
                        .get("type")
                        .asText())
                .isEqualTo("logout");
    }

    @Test
    void statsAndHealth() {
        login(ann);
        JsonNode stats = ok("stats", "-o", "json").json();
        assertThat(stats.get("tokens").get("active_key").asText())
                .isEqualTo(gh.tokens().activeKeyId());
        if (backend.isRedis()) {
            assertThat(stats.get("key_families").findValuesAsText("family")).contains("gatehouse:s");
            assertThat(stats.get("key_families").findValues("keys")).allMatch(n -> n.asLong() > 0);
        }
        assertThat(ok("stats").out()).contains("FAMILY");
        JsonNode health = ok("health", "-o", "json").json();
        assertThat(health.get("status").asText()).isEqualTo("healthy");
        assertThat(health.get("user_database").get("up").asBoolean()).isTrue();
    }

    @Test
    void unknownUserIsExitOneWithOneLine() {
        for (String[] args : List.of(
                new String[] {"users", "show", "nobody@example.com"},
                new String[] {"users", "suspend", "no-such-id"},
                new String[] {"sessions", "list", "nobody@example.com"})) {
            Result r = run(args);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("gatehouse " + args[1] + ": no user " + args[2]);
            assertThat(r.out()).isEmpty();
        }
    }
}
