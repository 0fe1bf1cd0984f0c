package io.gatehouse.bench;

import io.gatehouse.testkit.FaultProxy;
import io.gatehouse.testkit.RedisNode;
import io.gatehouse.testkit.SentinelDeployment;
import io.gatehouse.testkit.StandaloneRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Design: every scenario gets a fresh Redis topology and a fresh server process (the shaded jar, as
 * users run it), a steady load of virtual-thread users doing login -> me -> refresh -> logout over HTTP,
 * one fault injected and healed, then a check of every acknowledged logout: its access token must be
 * refused (401). A logout answered 204 whose token still works afterwards is an acknowledged write lost.
 * "Outage" is the longest time in which no request of the load succeeded, from the fault on.
 */
/**
 * Runs the reliability scenarios against the real server under load and prints one table (see
 * {@code scripts/chaos} and docs/RELIABILITY.md).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.gatehouse.bench.Chaos --server-jar server/target/gatehouse-server.jar
 *      [--only name,name] [--users 8] [--soak MINUTES] [--server-env GATEHOUSE_NAME=value ...] [--work DIR]
 * </pre>
 */
public final class Chaos {
    private static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration WARM_UP = Duration.ofSeconds(4);
    private static final Duration AFTER_HEAL = Duration.ofSeconds(6);

    private final Path serverJar;
    private final Path work;
    private final int users;
    /** Settings given with {@code --server-env KEY=VALUE}, passed to every server process it starts. */
    private final Map<String, String> serverEnv;

    private Chaos(Path serverJar, Path work, int users, Map<String, String> serverEnv) {
        this.serverJar = serverJar;
        this.work = work;
        this.users = users;
        this.serverEnv = Map.copyOf(serverEnv);
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("server/target/gatehouse-server.jar");
        List<String> only = List.of();
        int users = 8;
        int soakMinutes = 0;
        Map<String, String> serverEnv = new TreeMap<>();
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server-jar" -> jar = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--soak" -> soakMinutes = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--server-env" -> {
                    String[] kv = args[++i].split("=", 2);
                    if (kv.length != 2 || !kv[0].startsWith("GATEHOUSE_")) {
                        System.err.println("--server-env takes GATEHOUSE_NAME=value, got " + args[i]);
                        System.exit(2);
                    }
                    serverEnv.put(kv[0], kv[1]);
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + " (see scripts/chaos)");
                    System.exit(2);
                }
            }
        }
        work = work != null ? Files.createDirectories(work) : Files.createTempDirectory("gatehouse-chaos");
        System.err.println("server logs, GC logs and class histograms in " + work);
        Chaos chaos = new Chaos(jar.toAbsolutePath(), work, users, serverEnv);
        if (soakMinutes > 0) {
            chaos.soak(Duration.ofMinutes(soakMinutes));
            return;
        }
        List<Row> rows = new ArrayList<>();
        for (String name : List.of(
                "sentinel-failover",
                "sentinel-kill-master",
                "partition-10s",
                "latency-100ms",
                "client-pause-5s",
                "kill-aof-always")) {
            if (only.isEmpty() || only.contains(name)) {
                rows.add(chaos.run(name));
                print(rows);
            }
        }
    }

    /** One finished scenario. */
    record Row(
            String scenario,
            long requests,
            Map<String, Long> errors,
            Duration outage,
            long acknowledged,
            long lost,
            Duration p99) {}

    private Row run(String name) throws Exception {
        return switch (name) {
            case "sentinel-failover" ->
                sentinel(name, 2, redis -> {
                    RedisNode old = redis.master();
                    redis.sentinels().get(0).cli("SENTINEL", "FAILOVER", redis.masterName());
                    await(() -> redis.master() != old, Duration.ofSeconds(30));
                });
            case "sentinel-kill-master" ->
                sentinel(name, 1, redis -> {
                    RedisNode old = redis.master();
                    old.kill();
                    await(() -> redis.master() != old, Duration.ofSeconds(30));
                });
            case "partition-10s" ->
                proxied(name, proxy -> {
                    proxy.blackhole();
                    pause(Duration.ofSeconds(10));
                    proxy.heal();
                });
            case "latency-100ms" ->
                proxied(name, proxy -> {
                    proxy.latency(Duration.ofMillis(100));
                    pause(Duration.ofSeconds(10));
                    proxy.heal();
                });
            case "client-pause-5s" ->
                standalone(name, List.of(), redis -> {
                    redis.node().cli("CLIENT", "PAUSE", "5000", "ALL");
                    pause(Duration.ofSeconds(5));
                });
            case "kill-aof-always" ->
                standalone(name, List.of("appendonly yes", "appendfsync always"), redis -> {
                    redis.node().kill();
                    redis.node().restart();
                });
            default -> throw new IllegalArgumentException(name);
        };
    }

    interface Fault<T> {
        void inject(T target) throws Exception;
    }

    private Row sentinel(String name, int replicas, Fault<SentinelDeployment> fault) throws Exception {
        try (SentinelDeployment redis = SentinelDeployment.start(2)) {
            Map<String, String> env = new HashMap<>();
            env.put("GATEHOUSE_REDIS_URL", redis.url());
            env.put("GATEHOUSE_REDIS_TOKENS_DURABILITY", "replicated");
            env.put("GATEHOUSE_REDIS_SESSIONS_DURABILITY", "replicated");
            env.put("GATEHOUSE_REDIS_DURABILITY_REPLICAS", Integer.toString(replicas));
            return scenario(name, env, () -> fault.inject(redis));
        }
    }

    private Row proxied(String name, Fault<FaultProxy> fault) throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start("appendonly yes");
                FaultProxy proxy = FaultProxy.start(redis.node())) {
            return scenario(name, Map.of("GATEHOUSE_REDIS_URL", proxy.url()), () -> fault.inject(proxy));
        }
    }

    private Row standalone(String name, List<String> config, Fault<StandaloneRedis> fault) throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start(config.toArray(new String[0]))) {
            return scenario(name, Map.of("GATEHOUSE_REDIS_URL", redis.url()), () -> fault.inject(redis));
        }
    }

    interface Action {
        void run() throws Exception;
    }

    private Row scenario(String name, Map<String, String> redisEnv, Action fault) throws Exception {
        Load load;
        long faultAt;
        try (Server server = server(name, redisEnv, List.of())) {
            load = new Load(server, users);
            pause(WARM_UP);
            faultAt = System.nanoTime();
            fault.run();
            pause(AFTER_HEAL);
            load.stop();
        }
        // A fresh instance on the same Redis: the first one keeps its own revocations in memory whatever
        // Redis lost, so only a new one shows what the deployment really holds.
        try (Server fresh = server(name, redisEnv, List.of())) {
            return new Row(
                    name,
                    load.requests.sum(),
                    load.errors(),
                    load.longestGap(faultAt),
                    load.acknowledged.size(),
                    load.lostLogouts(fresh),
                    load.p99());
        }
    }

    /*
     * The soak checks correctness as it goes: every minute the logouts acknowledged in that minute are
     * checked against a second server instance on the same Redis that served none of them (the loaded
     * one enforces its own revocations from memory), long before the tokens would expire by themselves.
     * "Heap after GC" is the server's used heap right after a full GC requested with jcmd, so garbage
     * does not hide a leak or fake one. To tell where a stall came from, the server writes a GC log and
     * Redis records every event of 100 ms or more (LATENCY LATEST, printed at the end; "stalls" counts the
     * kinds seen so far); class histograms of the server after the first intervals and at the end show
     * what grew. All of it stays in the work directory printed at the start.
     */
    private void soak(Duration length) throws Exception {
        Path gcLog = work.resolve("soak").resolve("gc.log");
        // latency-monitor-threshold: Redis records every event (fork, AOF write or fsync, command) that took
        // 100 ms or more, so a stall seen by the server can be told apart from one inside Redis.
        try (StandaloneRedis redis = StandaloneRedis.start("appendonly yes", "latency-monitor-threshold 100");
                Server server = server(
                        "soak",
                        Map.of("GATEHOUSE_REDIS_URL", redis.url()),
                        List.of("-Xlog:gc:file=" + gcLog + ":time,uptime"));
                Server checker = server("soak-checker", Map.of("GATEHOUSE_REDIS_URL", redis.url()), List.of())) {
            System.out.println("server settings: " + serverEnv);
            Load load = new Load(server, users);
            String header = String.format(
                    "%-9s %-8s %9s %7s %8s %5s %10s %9s %11s %7s %7s %6s %7s %6s",
                    "interval",
                    "end UTC",
                    "requests",
                    "errors",
                    "logouts",
                    "lost",
                    "heap MiB",
                    "redis MB",
                    "redis keys",
                    "p99 ms",
                    "max ms",
                    "forks",
                    "stalls",
                    "load1");
            System.out.println(header + "   (heap MiB: right after a full GC, from the GC log)");
            long start = System.nanoTime();
            long previousRequests = 0;
            long previousErrors = 0;
            long checked = 0;
            long lost = 0;
            for (int interval = 1; System.nanoTime() - start < length.toNanos(); interval++) {
                load.resetLatencies();
                pause(Duration.ofMinutes(1));
                long requests = load.requests.sum();
                long errors = load.errors().values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                Duration p99 = load.p99();
                Duration max = load.max();
                List<String> logouts = load.drainAcknowledged();
                long lostNow = Load.accepted(checker, logouts);
                checked += logouts.size();
                lost += lostNow;
                if (interval == 2) {
                    server.classHistogram(work.resolve("soak").resolve("histogram-start.txt"));
                }
                System.out.printf(
                        "%-9d %-8s %9d %7d %8d %5d %10.1f %9.1f %11s %7d %7d %6s %7s %6s%n",
                        interval,
                        java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0),
                        requests - previousRequests,
                        errors - previousErrors,
                        logouts.size(),
                        lostNow,
                        server.heapAfterGc(gcLog),
                        redisUsedMemory(redis) / 1e6,
                        redis.node().cli("DBSIZE").trim(),
                        p99.toMillis(),
                        max.toMillis(),
                        info(redis, "total_forks"),
                        redis.node().cli("LATENCY", "LATEST").lines().count() / 4,
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                previousRequests = requests;
                previousErrors = errors;
            }
            load.stop();
            server.classHistogram(work.resolve("soak").resolve("histogram-end.txt"));
            List<String> last = load.drainAcknowledged();
            checked += last.size();
            lost += Load.accepted(checker, last);
            System.out.printf(
                    "soak %d min: %d requests, errors %s, acknowledged logouts %d, still accepted %d%n",
                    length.toMinutes(), load.requests.sum(), load.errors(), checked, lost);
            System.out.printf(
                    "redis: aof_rewrites %s, total_forks %s, aof_delayed_fsync %s, latest_fork_usec %s;"
                            + " latency events >= 100 ms (LATENCY LATEST: event, time, latest ms, max ms):%n%s%n",
                    info(redis, "aof_rewrites"),
                    info(redis, "total_forks"),
                    info(redis, "aof_delayed_fsync"),
                    info(redis, "latest_fork_usec"),
                    redis.node().cli("LATENCY", "LATEST"));
            Path redisLog = redis.node().dir().resolve("redis.log");
            if (Files.exists(redisLog)) {
                Files.copy(redisLog, work.resolve("soak").resolve("redis.log"));
            }
        }
    }

    private Server server(String name, Map<String, String> redisEnv, List<String> jvmArgs) throws IOException {
        Map<String, String> env = new HashMap<>(serverEnv);
        env.putAll(redisEnv);
        return Server.start(serverJar, work.resolve(name), env, jvmArgs);
    }

    /** One field of {@code INFO everything}, or "?" where this Redis version has none. */
    private static String info(StandaloneRedis redis, String field) {
        Matcher m = Pattern.compile("^" + field + ":(\\S+)", Pattern.MULTILINE)
                .matcher(redis.node().cli("INFO", "everything"));
        return m.find() ? m.group(1) : "?";
    }

    private static long redisUsedMemory(StandaloneRedis redis) {
        Matcher m = Pattern.compile("^used_memory:(\\d+)", Pattern.MULTILINE)
                .matcher(redis.node().cli("INFO", "memory"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void print(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%n| scenario | requests | errors by status | outage (longest time without a success) |"
                + " p99 | acknowledged logouts | acknowledged writes lost |%n|---|---|---|---|---|---|---|%n"));
        for (Row r : rows) {
            sb.append(String.format(
                    "| %s | %d | %s | %d ms | %d ms | %d | %d |%n",
                    r.scenario(),
                    r.requests(),
                    r.errors().isEmpty() ? "none" : r.errors().toString().replaceAll("[{}]", ""),
                    r.outage().toMillis(),
                    r.p99().toMillis(),
                    r.acknowledged(),
                    r.lost()));
        }
        System.out.print(sb);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + atMost);
            }
            pause(Duration.ofMillis(50));
        }
    }

    /** The server jar as a process, configured by environment variables, on a port it picks. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final int port;
        final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts it, up to 3 attempts: on a loaded machine a first connection handshake may time out. */
        static Server start(Path jar, Path dir, Map<String, String> redisEnv, List<String> jvmArgs) throws IOException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce(jar, dir, redisEnv, jvmArgs);
                } catch (IllegalStateException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                    System.err.println("server start failed, retrying: "
                            + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }

        private static Server startOnce(Path jar, Path dir, Map<String, String> redisEnv, List<String> jvmArgs)
                throws IOException {
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add("-Xmx256m");
            command.addAll(jvmArgs);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
            env.put("GATEHOUSE_SERVER_PORT", "0");
            env.put("GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "1024");
            env.put("GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "1");
            env.put("GATEHOUSE_SESSIONS_MAC_KEY", "Y2hhb3MtbWFjLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1");
            env.put("GATEHOUSE_SESSIONS_DEVICE_KEY", "Y2hhb3MtZGV2aWNlLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEy");
            // The same on every instance of a run: the fresh instance must read the keys the first one stored.
            env.put("GATEHOUSE_TOKENS_KEYS_ENCRYPTION_KEY", "Y2hhb3Mta2V5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=");
            // Generous for a shared, loaded machine: the connection handshake is bounded by the command
            // timeout too, and replicas starved of CPU confirm late.
            env.put("GATEHOUSE_REDIS_COMMAND_TIMEOUT", "2s");
            env.put("GATEHOUSE_REDIS_CONNECT_TIMEOUT", "10s");
            env.put("GATEHOUSE_REDIS_DURABILITY_TIMEOUT", "1s");
            for (String policy : List.of(
                    "LOGIN_IP", "LOGIN_ACCOUNT", "API_USER", "API_IP", "REGISTER_IP", "REFRESH_FAMILY", "REFRESH_IP")) {
                env.put("GATEHOUSE_RATELIMIT_POLICY_" + policy + "_RATE", "1000000/1m");
            }
            env.putAll(redisEnv);
            // One log per start: the fresh instance that checks the logouts runs in the same directory.
            Path log = Files.createTempFile(dir, "server-", ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Pattern listening = Pattern.compile("Gatehouse listening on.*\"port\"\\s*:\\s*(\\d+)");
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the server exited: " + Files.readString(log));
                }
                Matcher m = listening.matcher(Files.readString(log));
                if (m.find()) {
                    return new Server(p, Integer.parseInt(m.group(1)));
                }
                pause(Duration.ofMillis(100));
            }
            p.destroyForcibly();
            throw new IllegalStateException("the server did not start: " + Files.readString(log));
        }

        /**
         * Heap in MiB right after a full GC requested with {@code jcmd <pid> GC.run}, as the server's GC log
         * reports it ({@code Pause Full (Diagnostic Command) 189M->88M}). Not /metrics: under load the server
         * allocates some 100 MB between the GC and the scrape, which would hide a leak or fake one.
         */
        double heapAfterGc(Path gcLog) throws IOException, InterruptedException {
            if (!jcmd(ProcessBuilder.Redirect.DISCARD, "GC.run")) {
                return Double.NaN;
            }
            Matcher m = Pattern.compile("Pause Full \\(Diagnostic Command\\) \\d+M->(\\d+)M")
                    .matcher(Files.readString(gcLog));
            double after = Double.NaN;
            while (m.find()) {
                after = Double.parseDouble(m.group(1));
            }
            return after;
        }

        /** Writes {@code jcmd <pid> GC.class_histogram} (live objects by class) to {@code file}. */
        void classHistogram(Path file) throws IOException, InterruptedException {
            jcmd(ProcessBuilder.Redirect.to(file.toFile()), "GC.class_histogram");
        }

        private boolean jcmd(ProcessBuilder.Redirect output, String command) throws IOException, InterruptedException {
            Path javaBin = Path.of(ProcessHandle.current().info().command().orElse("java"));
            Process jcmd = new ProcessBuilder(
                            javaBin.resolveSibling("jcmd").toString(), Long.toString(process.pid()), command)
                    .redirectErrorStream(true)
                    .redirectOutput(output)
                    .start();
            if (!jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                jcmd.destroyForcibly();
                return false;
            }
            return true;
        }

        HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
            return client.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(request(path).GET());
        }

        HttpResponse<String> postJson(String path, String json, Optional<String> bearer)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            bearer.ifPresent(t -> b.header("Authorization", "Bearer " + t));
            return send(b);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Virtual-thread users doing login, me, refresh and logout in a loop. */
    static final class Load {
        final Server server;
        final LongAdder requests = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        final ConcurrentSkipListSet<Long> successes = new ConcurrentSkipListSet<>();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sequence = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        Load(Server server, int users) {
            this.server = server;
            for (int u = 0; u < users; u++) {
                int user = u;
                threads.add(Thread.ofVirtual().start(() -> loop(user)));
            }
        }

        private void loop(int user) {
            String email = "chaos" + user + "@example.com";
            String credentials = "{\"email\":\"" + email + "\",\"password\":\"chaos horse battery " + user + "\"}";
            while (running.get()
                    && call(() -> server.postJson("/api/v1/auth/register", credentials, Optional.empty()))
                            .map(r -> r.statusCode() != 201 && r.statusCode() != 409)
                            .orElse(true)) {
                pause(Duration.ofMillis(100));
            }
            while (running.get()) {
                Optional<HttpResponse<String>> login =
                        call(() -> server.postJson("/api/v1/auth/login", credentials, Optional.empty()));
                if (login.isEmpty() || login.get().statusCode() != 200) {
                    continue;
                }
                String access = find(ACCESS, login.get().body());
                String refresh = find(REFRESH, login.get().body());
                call(() -> server.send(server.request("/api/v1/me")
                        .header("Authorization", "Bearer " + access)
                        .GET()));
                Optional<HttpResponse<String>> refreshed = call(() -> server.postJson(
                        "/api/v1/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}", Optional.empty()));
                String current = refreshed
                        .filter(r -> r.statusCode() == 200)
                        .map(r -> find(ACCESS, r.body()))
                        .orElse(access);
                Optional<HttpResponse<String>> logout =
                        call(() -> server.postJson("/api/v1/auth/logout", "{}", Optional.of(current)));
                if (logout.isPresent() && logout.get().statusCode() == 204) {
                    acknowledged.add(current);
                }
            }
        }

        interface Call {
            HttpResponse<String> send() throws Exception;
        }

        private Optional<HttpResponse<String>> call(Call c) {
            long start = System.nanoTime();
            requests.increment();
            try {
                HttpResponse<String> r = c.send();
                long end = System.nanoTime();
                latencies.add(end - start);
                if (r.statusCode() < 400) {
                    successes.add(end);
                } else {
                    errors.computeIfAbsent(Integer.toString(r.statusCode()), k -> new LongAdder())
                            .increment();
                }
                return Optional.of(r);
            } catch (Exception e) {
                errors.computeIfAbsent("no answer", k -> new LongAdder()).increment();
                latencies.add(System.nanoTime() - start);
                return Optional.empty();
            }
        }

        private static String find(Pattern p, String body) {
            Matcher m = p.matcher(body);
            return m.find() ? m.group(1) : "";
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30));
            }
        }

        Map<String, Long> errors() {
            Map<String, Long> out = new TreeMap<>();
            errors.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }

        Duration longestGap(long fromNanos) {
            long longest = 0;
            Long previous = successes.floor(fromNanos);
            for (Long t : successes.tailSet(fromNanos)) {
                if (previous != null) {
                    longest = Math.max(longest, t - previous);
                }
                previous = t;
            }
            return Duration.ofNanos(longest);
        }

        Duration p99() {
            long[] all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return all.length == 0
                    ? Duration.ZERO
                    : Duration.ofNanos(all[(int) Math.min(all.length - 1, all.length * 0.99)]);
        }

        Duration max() {
            return Duration.ofNanos(
                    latencies.stream().mapToLong(Long::longValue).max().orElse(0));
        }

        void resetLatencies() {
            latencies.clear();
        }

        /** Takes the logouts acknowledged so far out of the queue. */
        List<String> drainAcknowledged() {
            List<String> out = new ArrayList<>();
            for (String t; (t = acknowledged.poll()) != null; ) {
                out.add(t);
            }
            return out;
        }

        /** Acknowledged logouts whose access token the server still accepts (should be none). */
        long lostLogouts(Server checker) throws Exception {
            return accepted(checker, acknowledged);
        }

        static long accepted(Server checker, Iterable<String> tokens) throws IOException, InterruptedException {
            long lost = 0;
            for (String token : tokens) {
                HttpResponse<String> r = checker.send(checker.request("/api/v1/me")
                        .header("Authorization", "Bearer " + token)
                        .GET());
                if (r.statusCode() == 200) {
                    lost++;
                }
            }
            return lost;
        }
    }
}
