package io.gatehouse.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one call costs, split: runs it in a loop on some threads for a while and divides the wall time,
 * this JVM's CPU and redis-server's CPU ({@code INFO cpu}) by the calls completed. The loop of
 * {@link RedisCallCost} and {@link SessionCreateCost}.
 */
final class CallCost {
    private CallCost() {}

    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** Calls completed, their rate, and wall, JVM-CPU and Redis-CPU microseconds per call. */
    record Split(long calls, double callsPerSecond, double wallMicros, double jvmMicros, double redisMicros) {}

    /** Runs {@code call} on {@code count} threads made by {@code threads} for {@code seconds}. */
    static Split measure(Call call, Thread.Builder threads, int count, int seconds, BenchRedis redis)
            throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder calls = new LongAdder();
        List<Thread> workers = new ArrayList<>(count);
        double redis0 = redis.cpuSeconds();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            workers.add(threads.start(() -> {
                while (!stop.get()) {
                    try {
                        call.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    calls.increment();
                }
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        long nanos = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        double redisCpu = redis.cpuSeconds() - redis0;
        long n = calls.sum();
        return new Split(n, n * 1e9 / nanos, nanos / 1e3 / n, cpu / 1e3 / n, redisCpu * 1e6 / n);
    }
}
