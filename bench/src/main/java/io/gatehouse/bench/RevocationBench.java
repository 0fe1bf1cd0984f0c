package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.RevocationStatus;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Is a valid access token revoked? Ours: the local check of {@link TokenService#check} while the state
 * holds 100,000 revoked entries (jti, session, family and user entries). Baseline: one {@code EXISTS
 * blacklist:<jti>} per check over Lettuce, as the seed write-ups do, on the same Redis holding the same
 * 100,000 revoked jtis as keys.
 *
 * <pre>java -jar bench/target/benchmarks.jar RevocationBench</pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RevocationBench {
    static final int REVOKED = 100_000;

    private BenchRedis redis;
    private Stores stores;
    private RedisConnector connector;
    private TokenService tokens;
    private VerifiedToken valid;
    private String validBlacklistKey;

    @Setup(Level.Trial)
    public void setUp() {
        redis = BenchRedis.start();
        stores = BenchTokens.stores(redis);
        connector = BenchRedis.connector(stores);
        GatehouseConfig config = redis.config().toBuilder()
                .set("gatehouse.tokens.keys.store", "memory")
                .build();
        tokens = TokenService.builder().config(config).stores(stores).build();
        Instant now = Instant.now();
        Instant until = now.plus(Duration.ofDays(1));
        List<Revocation> batch = new ArrayList<>();
        List<String> blacklist = new ArrayList<>();
        for (int i = 0; i < REVOKED; i++) {
            String id = UUID.randomUUID().toString();
            Revocation r = switch (i % 10) {
                case 0 -> Revocation.session("s-" + id, now, until, "logout");
                case 1 -> Revocation.family("f-" + id, now, until, "reuse");
                case 2 -> Revocation.user("u-" + id, now, until, "password-change");
                default -> Revocation.token(id, now, until, "logout");
            };
            batch.add(r);
            blacklist.add("blacklist:" + id);
            if (batch.size() == 500) {
                tokens.revokeAll(batch);
                String[] kv = new String[blacklist.size() * 2];
                for (int k = 0; k < blacklist.size(); k++) {
                    kv[2 * k] = blacklist.get(k);
                    kv[2 * k + 1] = "1";
                }
                connector.sync(c -> c.mset(toMap(kv)));
                batch.clear();
                blacklist.clear();
            }
        }
        if (tokens.revocationStats().total() != REVOKED) {
            throw new IllegalStateException("expected " + REVOKED + " entries, have "
                    + tokens.revocationStats().total());
        }
        valid = tokens.verify(
                tokens.issue(TokenRequest.of("user-bench", "sess-bench")).accessToken());
        validBlacklistKey = "blacklist:" + valid.tokenId();
    }

    private static java.util.Map<String, String> toMap(String[] kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tokens.close();
        stores.close();
        redis.close();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @Threads(1)
    public RevocationStatus localCheck() {
        return tokens.check(valid);
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @Threads(1)
    public Long redisExistsBaseline() {
        return connector.sync(c -> c.exists(validBlacklistKey));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(16)
    public RevocationStatus localCheck16Threads() {
        return tokens.check(valid);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(16)
    public Long redisExistsBaseline16Threads() {
        return connector.sync(c -> c.exists(validBlacklistKey));
    }
}
