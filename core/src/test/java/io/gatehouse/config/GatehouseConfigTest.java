package io.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatehouseConfigTest {

    @Test
    void noUrlMeansEveryPurposeInMemory() {
        GatehouseConfig c = GatehouseConfig.builder().build();
        for (Purpose p : Purpose.values()) {
            assertThat(c.redis(p)).isEmpty();
        }
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    }

    @Test
    void purposeUrlWinsOverSharedUrlAndSettingsInherit() {
        GatehouseConfig c = GatehouseConfig.builder()
                .redisUrl("redis://10.0.0.1:6380/2")
                .redisUrl(Purpose.RATE_LIMITS, "redis://10.0.0.9")
                .set("gatehouse.redis.command-timeout", "250ms")
                .set("gatehouse.redis.rate-limits.command-timeout", "50ms")
                .set("gatehouse.redis.password", "s3cret")
                .build();
        RedisEndpoint tokens = c.redis(Purpose.TOKENS).orElseThrow();
        RedisEndpoint limits = c.redis(Purpose.RATE_LIMITS).orElseThrow();
        assertThat(tokens.nodes()).containsExactly(new HostAndPort("10.0.0.1", 6380));
        assertThat(tokens.database()).isEqualTo(2);
        assertThat(tokens.commandTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(tokens.password()).contains("s3cret");
        assertThat(limits.nodes()).containsExactly(new HostAndPort("10.0.0.9", 6379));
        assertThat(limits.commandTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.redis(Purpose.SESSIONS)).contains(tokens);
        assertThat(c.redisKey(Purpose.RATE_LIMITS, "url")).isEqualTo("gatehouse.redis.rate-limits.url");
        assertThat(c.redisKey(Purpose.TOKENS, "url")).isEqualTo("gatehouse.redis.url");
    }

    @Test
    void environmentOverridesProperties(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("g.properties");
        Files.writeString(file, "gatehouse.redis.url=redis://file-host:1\ngatehouse.redis.tokens.url=redis://tok:2\n");
        GatehouseConfig c = GatehouseConfig.load(
                file,
                Map.of(
                        "GATEHOUSE_REDIS_URL", "redis://env-host:3",
                        "GATEHOUSE_REDIS_RATE_LIMITS_URL", "redis://rl:4",
                        "PATH", "/usr/bin"));
        assertThat(c.redis(Purpose.CACHE).orElseThrow().nodes()).containsExactly(new HostAndPort("env-host", 3));
        assertThat(c.redis(Purpose.TOKENS).orElseThrow().nodes()).containsExactly(new HostAndPort("tok", 2));
        assertThat(c.redis(Purpose.RATE_LIMITS).orElseThrow().nodes()).containsExactly(new HostAndPort("rl", 4));
        assertThat(c.get("PATH")).isEmpty();
        assertThat(GatehouseConfig.environmentName("gatehouse.redis.tls.ca-file"))
                .isEqualTo("GATEHOUSE_REDIS_TLS_CA_FILE");
    }

    @Test
    void parsesEveryScheme() {
        RedisEndpoint tls = endpoint("rediss://alice:p%40ss@cache.example:6390");
        assertThat(tls.tls()).isTrue();
        assertThat(tls.mode()).isEqualTo(RedisMode.STANDALONE);
        assertThat(tls.username()).contains("alice");
        assertThat(tls.password()).contains("p@ss");

        RedisEndpoint sentinel = endpoint("redis-sentinel://s1:26379,s2,[::1]:26381#main");
        assertThat(sentinel.mode()).isEqualTo(RedisMode.SENTINEL);
        assertThat(sentinel.sentinelMaster()).contains("main");
        assertThat(sentinel.nodes())
                .containsExactly(
                        new HostAndPort("s1", 26379), new HostAndPort("s2", 26379), new HostAndPort("::1", 26381));

        RedisEndpoint cluster = endpoint("rediss-cluster://:pw@n1:7000,n2:7001,n3:7002");
        assertThat(cluster.mode()).isEqualTo(RedisMode.CLUSTER);
        assertThat(cluster.tls()).isTrue();
        assertThat(cluster.password()).contains("pw");
        assertThat(cluster.nodes()).hasSize(3);
    }

    @Test
    void secretsNeverAppearInToString() {
        GatehouseConfig c =
                GatehouseConfig.builder().redisUrl("redis://bob:hunter2@h:1").build();
        RedisEndpoint e = c.redis(Purpose.TOKENS).orElseThrow();
        assertThat(e.toString()).doesNotContain("hunter2").contains("bob:***@h:1");
        assertThat(c.toString()).doesNotContain("hunter2");
        assertThat(RedisUrls.redact("redis://bob:hunter2@h:1")).doesNotContain("hunter2");
    }

    @Test
    void badSettingsNameTheirKey(@TempDir Path dir) {
        assertError(Map.of("gatehouse.redis.url", "http://h:1"), "gatehouse.redis.url", "unknown scheme 'http'");
        assertError(Map.of("gatehouse.redis.sessions.url", "redis://h:99999"), "gatehouse.redis.sessions.url", "port");
        assertError(Map.of("gatehouse.redis.url", "redis-sentinel://h:1"), "gatehouse.redis.url", "master name");
        assertError(Map.of("gatehouse.redis.url", "redis://a:1,b:2"), "gatehouse.redis.url", "standalone");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.command-timeout", "soon"),
                "gatehouse.redis.command-timeout",
                "not a duration");
        assertError(
                Map.of(
                        "gatehouse.redis.url",
                        "rediss://h",
                        "gatehouse.redis.tls.ca-file",
                        dir.resolve("nope.pem").toString()),
                "gatehouse.redis.tls.ca-file",
                "no readable file");
        assertError(
                Map.of("gatehouse.redis.url", "rediss://h", "gatehouse.redis.tls.cert-file", dir.toString()),
                "gatehouse.redis.tls.cert-file",
                "no readable file");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.key-prefix", "a{b}"),
                "gatehouse.redis.key-prefix",
                "letters");
    }

    @Test
    void durabilityIsPerPurposeAndAsyncByDefault() {
        GatehouseConfig c = GatehouseConfig.builder()
                .redisUrl("redis://h:1")
                .set("gatehouse.redis.tokens.durability", "replicated")
                .set("gatehouse.redis.tokens.durability.replicas", "2")
                .set("gatehouse.redis.durability.timeout", "80ms")
                .set("gatehouse.redis.sessions.durability.check", "strict")
                .build();
        Durability tokens = c.redis(Purpose.TOKENS).orElseThrow().durability();
        assertThat(tokens)
                .isEqualTo(new Durability(Durability.Mode.REPLICATED, 2, Duration.ofMillis(80), Durability.Check.WARN));
        assertThat(c.redis(Purpose.SESSIONS).orElseThrow().durability().check()).isEqualTo(Durability.Check.STRICT);
        assertThat(c.redis(Purpose.CACHE).orElseThrow().durability())
                .isEqualTo(new Durability(Durability.Mode.ASYNC, 1, Duration.ofMillis(80), Durability.Check.WARN));
        assertThat(c.redis(Purpose.TOKENS))
                .as("a different durability is a different connection")
                .isNotEqualTo(c.redis(Purpose.CACHE));
        assertThat(GatehouseConfig.builder()
                        .redisUrl("redis://h:1")
                        .build()
                        .redis(Purpose.TOKENS)
                        .orElseThrow()
                        .durability())
                .isEqualTo(Durability.ASYNC);
    }

    @Test
    void badDurabilityNamesItsKey() {
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.tokens.durability", "sync"),
                "gatehouse.redis.tokens.durability",
                "async or replicated");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.durability.replicas", "0"),
                "gatehouse.redis.durability.replicas",
                "between 1 and 16");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.durability.timeout", "0ms"),
                "gatehouse.redis.durability.timeout",
                "positive");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.durability.check", "loud"),
                "gatehouse.redis.durability.check",
                "off, warn or strict");
    }

    @Test
    void certificateWithoutKeyIsRefused(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertError(
                Map.of("gatehouse.redis.url", "rediss://h", "gatehouse.redis.tls.cert-file", cert.toString()),
                "gatehouse.redis.tls.key-file",
                "needs both");
    }

    @Test
    void durations() {
        assertThat(GatehouseConfig.parseDuration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GatehouseConfig.parseDuration("k", "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(GatehouseConfig.parseDuration("k", "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(GatehouseConfig.parseDuration("k", "PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> GatehouseConfig.parseDuration("k", "12")).isInstanceOf(ConfigException.class);
        assertThat(GatehouseConfig.parseDuration("k", "100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(GatehouseConfig.parseDuration("k", "40µs")).isEqualTo(Duration.ofNanos(40_000));
        // "0 turns it off", as the settings say, needs no unit; other bare numbers still do.
        assertThat(GatehouseConfig.parseDuration("k", "0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> GatehouseConfig.parseDuration("k", "99999999999999999us"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void spinWaitDefaultsTo250MicrosecondsPerPurposeAndIsBounded() {
        GatehouseConfig c = GatehouseConfig.builder()
                .redisUrl("redis://h")
                .set("gatehouse.redis.rate-limits.spin-wait", "0")
                .build();
        assertThat(c.redis(Purpose.TOKENS).orElseThrow().spinWait()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(c.redis(Purpose.RATE_LIMITS).orElseThrow().spinWait()).isZero();
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.spin-wait", "2ms"),
                "gatehouse.redis.spin-wait",
                "at most 1ms");
        assertError(
                Map.of("gatehouse.redis.url", "redis://h", "gatehouse.redis.sessions.spin-wait", "soon"),
                "gatehouse.redis.sessions.spin-wait",
                "not a duration");
    }

    private static RedisEndpoint endpoint(String url) {
        return GatehouseConfig.builder()
                .redisUrl(url)
                .build()
                .redis(Purpose.TOKENS)
                .orElseThrow();
    }

    private static void assertError(Map<String, String> props, String key, String fragment) {
        assertThatThrownBy(() -> GatehouseConfig.of(props, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).contains(key).contains(fragment).doesNotContain("\n");
                });
    }
}
