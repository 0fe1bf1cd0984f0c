package io.gatehouse.bench.session;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.session.Session;

/**
 * The measuring loop both sides of the Spring Session benchmark run, each in its own JVM (their class
 * paths cannot be merged: Lettuce 7 against 6.8). Arguments: {@code <redis-url> <mode> <threads>
 * <warm-up seconds> <seconds>}; mode {@code create} (logins: a new session saved per call),
 * {@code update} (one attribute of a saved session changed and saved per call; 64 sessions per
 * thread, saved before the warm-up) or {@code fill:N} (N logins, no timing: the driver measures
 * Redis's memory around it). Prints one {@code RESULT} line with completed calls per second of
 * wall-clock time over the measured window (no per-thread rates are summed).
 */
public final class SessionSaveRun {
    private SessionSaveRun() {}

    /** Runs {@code args} against the side {@code open} makes from the Redis URL; exits non-zero on a bad argument. */
    public static <S extends Session> void main(String[] args, Function<String, SessionSide<S>> open) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: <redis-url> <create|update|fill:N> <threads> <warm-up seconds> <seconds>");
            System.exit(2);
        }
        String mode = args[1];
        int threads = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        try (SessionSide<S> side = open.apply(args[0])) {
            if (mode.startsWith("fill:")) {
                fill(side, Integer.parseInt(mode.substring("fill:".length())), threads);
                System.out.printf(Locale.ROOT, "RESULT side=%s mode=%s done%n", side.name(), mode);
                return;
            }
            if (!mode.equals("create") && !mode.equals("update")) {
                System.err.println("mode must be create, update or fill:N, not " + mode);
                System.exit(2);
            }
            boolean create = mode.equals("create");
            List<List<S>> saved = new ArrayList<>();
            for (int t = 0; t < threads && !create; t++) {
                List<S> mine = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    mine.add(side.login("user-" + t + "-" + i));
                }
                saved.add(mine);
            }
            Loop<S> loop = new Loop<>(side, create, saved, threads);
            loop.run(warmup);
            double rate = loop.run(seconds);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT side=%s mode=%s threads=%d rate=%.0f load=%.2f%n",
                    side.name(),
                    mode,
                    threads,
                    rate,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static <S extends Session> void fill(SessionSide<S> side, int n, int threads) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    side.login("user-" + i);
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    /** Threads calling the side until told to stop; counts completed calls. */
    private record Loop<S extends Session>(SessionSide<S> side, boolean create, List<List<S>> saved, int threads) {
        /** Calls per second of wall-clock time over {@code seconds}. */
        double run(int seconds) throws InterruptedException {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            AtomicLong users = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                List<S> mine = create ? List.of() : saved.get(t);
                Thread w = new Thread(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        if (create) {
                            side.login("login-" + users.incrementAndGet());
                        } else {
                            side.update(mine.get(n & 63), n);
                        }
                        n++;
                        calls.incrementAndGet();
                    }
                });
                w.start();
                workers.add(w);
            }
            Thread.sleep(seconds * 1000L);
            long done = calls.get();
            double wall = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
            return done / wall;
        }
    }
}
