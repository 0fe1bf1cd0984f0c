package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.bench.CacheBench.Profile;
import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * The get-or-load miss path of {@code CacheBench.getOrLoadMissing64_*} (distinct missing keys, 64
 * threads, 1 ms loader), ours against Spring's default {@code RedisCache} writer, in alternating rounds
 * of one JVM and one redis-server, with what each call costs besides its throughput: CPU of this
 * process and of redis-server per call, and bytes allocated per call. On a shared 2-core machine the
 * throughput of a CPU-bound run moves with the other users' load; the cost per call does not, so it
 * shows where one side spends more.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.CacheMissCost [seconds per round] [rounds]</pre>
 */
public final class CacheMissCost {
    private static final int THREADS = 64;

    private CacheMissCost() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String only = args.length > 2 ? args[2] : "both"; // "ours" or "spring": one side (for a profile)
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores();
                Caches caches = Caches.builder().stores(stores).build()) {
            Cache<Profile> ours = caches.cache("bench", Profile.class);
            URI uri = URI.create(redis.url());
            LettuceConnectionFactory factory =
                    new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
            factory.afterPropertiesSet();
            factory.start();
            org.springframework.cache.Cache theirs = RedisCacheManager.builder(
                            RedisCacheWriter.nonLockingRedisCacheWriter(factory))
                    .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
                            .entryTtl(CacheBench.TTL)
                            .serializeValuesWith(
                                    SerializationPair.fromSerializer(new Jackson2JsonRedisSerializer<>(Profile.class))))
                    .build()
                    .getCache("bench");
            AtomicLong next = new AtomicLong();
            Side oursSide = new Side("ours", () -> {
                String key = "m" + next.incrementAndGet();
                ours.getOrLoad(key, CacheBench.TTL, id -> Optional.of(load(id)));
            });
            Side springSide = new Side("spring", () -> {
                String key = "m" + next.incrementAndGet();
                theirs.get(key, () -> load(key));
            });
            // Warm-up: one round each, not printed.
            oursSide.run(redis, 3, false);
            springSide.run(redis, 3, false);
            for (int r = 1; r <= rounds; r++) {
                System.out.printf("round %d (load %s)%n", r, loadAverage());
                if (only.equals("both")) {
                    double a = oursSide.run(redis, seconds, true);
                    double b = springSide.run(redis, seconds, true);
                    System.out.printf("  ours / spring = %.2f%n", a / b);
                } else {
                    (only.equals("ours") ? oursSide : springSide).run(redis, seconds, true);
                }
            }
            factory.destroy();
        }
    }

    static Profile load(String id) {
        LockSupport.parkNanos(CacheBench.LOAD_NANOS);
        return CacheBench.profile(id);
    }

    static String loadAverage() {
        return String.format(
                "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private record Side(String name, Runnable call) {
        /** Runs the call on 64 threads for the given time; prints and returns calls per wall-clock second. */
        double run(BenchRedis redis, int seconds, boolean print) throws InterruptedException {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            AtomicLong callerCpu = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            WORKER_SWITCHES.set(0);
            redis.cli("CONFIG", "RESETSTAT");
            double redisCpu0 = redisCpu(redis);
            long ctx0 = contextSwitches();
            long cpu0 = os.getProcessCpuTime();
            long alloc0 = mx.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(() -> {
                    long start = mx.getCurrentThreadCpuTime();
                    while (!stop.get()) {
                        call.run();
                        calls.incrementAndGet();
                    }
                    callerCpu.addAndGet(mx.getCurrentThreadCpuTime() - start);
                    WORKER_SWITCHES.addAndGet(threadSwitches("/proc/thread-self/status"));
                });
                t.start();
                threads.add(t);
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            long n = calls.get();
            double clientUs = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
            double callerUs = callerCpu.get() / 1e3 / n;
            double redisUs = (redisCpu(redis) - redisCpu0) * 1e6 / n;
            double ctxPerCall = (double) (contextSwitches() - ctx0 + WORKER_SWITCHES.get()) / n;
            double allocBytes = (double) (mx.getTotalThreadAllocatedBytes() - alloc0) / n;
            if (print) {
                System.out.printf(
                        "  %-6s %,9.0f calls/s  client CPU %6.1f µs/call (calling threads %5.1f, others %5.1f)"
                                + "  redis CPU %5.1f µs/call  allocated %,7.0f B/call%n",
                        name, n / wall, clientUs, callerUs, clientUs - callerUs, redisUs, allocBytes);
                System.out.printf("         redis commands per call:%s%n", redis.commandStats(n));
                System.out.printf(
                        "         per call: redis socket reads %.3f, writes %.3f; context switches of this process %.2f%n",
                        netStat(redis, "total_reads_processed") / n,
                        netStat(redis, "total_writes_processed") / n,
                        ctxPerCall);
            }
            return n / wall;
        }
    }

    /** Context switches of the round's worker threads, each counted by itself before it ended. */
    static final AtomicLong WORKER_SWITCHES = new AtomicLong();

    /** Voluntary + involuntary context switches of the threads alive now (Linux; 0 elsewhere). */
    static long contextSwitches() {
        long sum = 0;
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks != null) {
            for (java.io.File t : tasks) {
                sum += threadSwitches(t.getPath() + "/status");
            }
        }
        return sum;
    }

    static long threadSwitches(String status) {
        long sum = 0;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(status))) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // a thread that ended meanwhile, or not Linux
        }
        return sum;
    }

    /** A counter of INFO stats (reset by the round's CONFIG RESETSTAT). */
    static double netStat(BenchRedis redis, String field) {
        for (String line : redis.cli("INFO", "stats").split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Double.parseDouble(line.substring(field.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** used_cpu_sys + used_cpu_user of redis-server, in seconds. */
    static double redisCpu(BenchRedis redis) {
        double sum = 0;
        for (String line : redis.cli("INFO", "cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return sum;
    }
}
