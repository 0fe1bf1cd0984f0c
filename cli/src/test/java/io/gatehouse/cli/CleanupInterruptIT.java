package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionStore;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testkit.SharedRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gatehouse sessions cleanup} as a process, interrupted (SIGTERM, as Ctrl-C) in the middle of
 * a pass over real Redis: it stops after the batches already sent and says so, its progress stays in Redis,
 * and the next run continues the pass to its end; the two runs together remove every expired session once.
 */
class CleanupInterruptIT {
    private static final int USERS = 10_000;

    @TempDir
    Path work;

    private final Map<String, String> env = new HashMap<>();
    private Stores stores;
    private RedisConnector redis;
    private String progressKey;

    @BeforeEach
    void fill() throws Exception {
        String prefix = "cleanupit" + UUID.randomUUID().toString().substring(0, 8);
        env.put("GATEHOUSE_REDIS_URL", SharedRedis.standalone().url());
        env.put("GATEHOUSE_REDIS_KEY_PREFIX", prefix);
        env.put("GATEHOUSE_SESSIONS_MAC_KEY", "ZTJlLW1hYy1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NQ==");
        env.put("GATEHOUSE_SESSIONS_DEVICE_KEY", "ZTJlLWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMg==");
        env.put("GATEHOUSE_REDIS_COMMAND_TIMEOUT", "5s");
        env.put("GATEHOUSE_REDIS_CONNECT_TIMEOUT", "10s");
        env.put(
                GatehouseConfig.environmentName("gatehouse.tokens.keys.encryption-key"),
                "Y2xpLWUyZS1rZXlzLWVuY3J5cHRpb24ta2V5LTAxMjM=");
        env.put("GATEHOUSE_DATA_DIR", work.resolve("data").toString());
        GatehouseConfig config = GatehouseConfig.of(Map.of(), env);
        stores = Stores.open(config);
        redis = StoresRedis.of(stores, Purpose.SESSIONS).orElseThrow();
        progressKey = redis.keys().plain("sess-cleanup", "progress");
        // Sessions created two days ago (by the store's clock): expired now, while their keys live on in Redis.
        SessionStore store = SessionStore.builder()
                .config(config)
                .stores(stores)
                .clock(new MutableClock(Instant.now().minus(Duration.ofDays(2))))
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int u = first; u < USERS; u += 4) {
                        store.create(NewSession.forUser("u" + u).build());
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @AfterEach
    void close() {
        stores.close();
    }

    /** A CLI run; stdout goes to a file (Process.destroy closes the pipes, so they cannot be read after it). */
    private record Run(Process process, Path out) {
        String finish() throws Exception {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return Files.readString(out, StandardCharsets.UTF_8);
        }
    }

    private Run start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("gatehouse.cli.launcher")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(work, "cli-", ".out");
        Process p = pb.redirectError(Files.createTempFile(work, "cli-", ".err").toFile())
                .redirectOutput(out.toFile())
                .start();
        p.getOutputStream().close();
        return new Run(p, out);
    }

    private static long removed(String out) {
        Matcher m = Pattern.compile("(\\d+) expired entries removed").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void anInterruptedCleanupStopsCleanlyAndTheNextRunFinishesThePass() throws Exception {
        Run first = start("sessions", "cleanup", "--batch", "1");
        // Interrupt once the first batches are done (their progress is stored), long before the 10,000th.
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> redis.sync(c -> c.exists(progressKey)) == 1L);
        first.process().destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        String out1 = first.finish();

        assertThat(out1).contains("cleanup interrupted (run it again to continue)");
        long removed1 = removed(out1);
        assertThat(removed1).isBetween(1L, USERS - 1L);
        String progress = redis.sync(c -> c.get(progressKey));
        assertThat(progress)
                .as("the stored progress: users visited and entries removed by the first run, then the position")
                .startsWith(removed1 + "|" + removed1 + "|");

        Run second = start("sessions", "cleanup", "--batch", "1000");
        String out2 = second.finish();
        assertThat(second.process().exitValue()).as(out2).isZero();

        assertThat(out2).contains("cleanup done");
        assertThat(removed1 + removed(out2))
                .as("every expired session removed exactly once")
                .isEqualTo(USERS);
        assertThat(out2).contains("whole pass: ").contains(USERS + " removed");
        Long progressLeft = redis.sync(c -> c.exists(progressKey));
        assertThat(progressLeft).as("a finished pass leaves no progress").isZero();
        String u0 = redis.keys().key("s", "u0");
        Long sessionsLeft = redis.sync(c -> c.exists(u0));
        assertThat(sessionsLeft).isZero();
    }
}
