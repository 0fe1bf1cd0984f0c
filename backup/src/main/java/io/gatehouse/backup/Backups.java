package io.gatehouse.backup;

/*
 * Design note. A backup must be possible where the operator cannot reach Redis's disk, so the
 * snapshot is read over the replication link (redis-cli --rdb), the same way a new replica gets
 * one. Each snapshot is streamed once through SHA-256 → zstd → OpenPGP → SHA-256 into a local work
 * file, then uploaded; in parallel it is loaded into a scratch redis-server to count its keys per
 * family for the manifest, which also proves at creation time that the snapshot loads. Verify and
 * restore run the same checks in the opposite direction, and restore writes nothing before every
 * check of every file has passed.
 */

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.redis.RedisConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * Creates, lists, verifies, restores and prunes backups of the Redis deployments of a Gatehouse
 * configuration. One backup per deployment (purposes sharing a Redis share its backup), named
 * {@code <yyyyMMdd'T'HHmmss'Z'>-<deployment>}.
 *
 * <pre>{@code
 * Backups backups = Backups.builder().config(config).build();   // target, keys from gatehouse.backup.*
 * List<Manifest> made = backups.create(Optional.empty());
 * VerifyReport report = backups.verify(made.get(0).id());
 * }</pre>
 */
public final class Backups implements AutoCloseable {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final String SUFFIX = ".rdb.zst.gpg";

    private final GatehouseConfig config;
    private final BackupTarget target;
    private final Optional<Path> publicKey;
    private final Optional<Path> secretKey;
    private final Optional<char[]> passphrase;
    private final Optional<Webhook> webhook;
    private final Path workDir;
    private final Progress progress;
    private final Clock clock;
    private final String redisCli;
    private final String redisServer;
    private final String redisCheckRdb;
    private final Optional<String> snapshotUser;
    private final Optional<String> snapshotPassword;

    private Backups(Builder b) {
        this.config = b.config;
        this.target = b.target.orElseGet(() -> targetFromConfig(b.config));
        this.publicKey =
                b.publicKey.or(() -> b.config.get("gatehouse.backup.public-key").map(Path::of));
        this.secretKey =
                b.secretKey.or(() -> b.config.get("gatehouse.backup.secret-key").map(Path::of));
        this.passphrase = b.config.get("gatehouse.backup.secret-key-passphrase").map(String::toCharArray);
        this.webhook = b.webhook
                .or(() -> b.config.get("gatehouse.backup.webhook-url").map(URI::create))
                .map(Webhook::new);
        this.workDir = b.workDir.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
        this.progress = b.progress;
        this.clock = b.clock;
        this.redisCli = b.binaries.getOrDefault("redis-cli", "redis-cli");
        this.redisServer = b.binaries.getOrDefault("redis-server", "redis-server");
        this.redisCheckRdb = b.binaries.getOrDefault("redis-check-rdb", "redis-check-rdb");
        this.snapshotUser = b.config.get("gatehouse.backup.redis-username");
        this.snapshotPassword = b.config.get("gatehouse.backup.redis-password");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The target from {@code gatehouse.backup.target}: a directory, or {@code s3://bucket/prefix}. */
    static BackupTarget targetFromConfig(GatehouseConfig c) {
        String t = c.get("gatehouse.backup.target")
                .orElseThrow(() ->
                        new BackupException("gatehouse.backup.target: not set (a directory or s3://bucket/prefix)"));
        if (!t.startsWith("s3://")) {
            return BackupTarget.local(Path.of(t));
        }
        String rest = t.substring("s3://".length());
        int slash = rest.indexOf('/');
        BackupTarget.S3 s3 = BackupTarget.s3(slash < 0 ? rest : rest.substring(0, slash))
                .prefix(slash < 0 ? "" : rest.substring(slash + 1))
                .region(c.string("gatehouse.backup.s3.region", "us-east-1"));
        c.get("gatehouse.backup.s3.endpoint").ifPresent(e -> s3.endpoint(URI.create(e)));
        c.get("gatehouse.backup.s3.path-style").ifPresent(p -> s3.pathStyle(Boolean.parseBoolean(p)));
        return s3.build();
    }

    /** The target backups go to. */
    public BackupTarget target() {
        return target;
    }

    /** A Redis deployment and the purposes it serves. */
    record Deployment(String name, RedisEndpoint endpoint, List<String> purposes) {}

    /** Each distinct Redis deployment of the configuration, named after the purposes with their own URL. */
    List<Deployment> deployments(Optional<Purpose> only) {
        Map<RedisEndpoint, List<Purpose>> byEndpoint = new LinkedHashMap<>();
        for (Purpose p : Purpose.values()) {
            config.redis(p)
                    .ifPresent(e -> byEndpoint
                            .computeIfAbsent(e, k -> new ArrayList<>())
                            .add(p));
        }
        List<Deployment> out = new ArrayList<>();
        byEndpoint.forEach((endpoint, purposes) -> {
            if (only.isPresent() && !purposes.contains(only.get())) {
                return;
            }
            List<String> own = purposes.stream()
                    .map(Purpose::key)
                    .filter(k -> config.get("gatehouse.redis." + k + ".url").isPresent())
                    .toList();
            out.add(new Deployment(
                    own.isEmpty() ? "default" : String.join("+", own),
                    endpoint,
                    purposes.stream().map(Purpose::key).toList()));
        });
        if (out.isEmpty()) {
            throw new BackupException("gatehouse.redis.url: no Redis deployment configured"
                    + only.map(p -> " for purpose " + p.key()).orElse(""));
        }
        return out;
    }

    /** Backs up every deployment (or the one serving {@code purpose}); a failure notifies and rethrows. */
    public List<Manifest> create(Optional<Purpose> purpose) {
        return create(purpose, Optional.empty());
    }

    /**
     * As {@link #create(Optional)}, and with {@code aofDir} (run on the Redis host) also the multi-part AOF
     * of the node that keeps it in that folder, copied with automatic rewrites paused. Then exactly one
     * deployment must be backed up (pick it with {@code purpose}), and the user needs {@code CONFIG GET}
     * and {@code CONFIG SET}.
     */
    public List<Manifest> create(Optional<Purpose> purpose, Optional<Path> aofDir) {
        PGPPublicKey recipient = Pgp.recipient(publicKey.orElseThrow(() ->
                new BackupException("gatehouse.backup.public-key: not set (an exported OpenPGP public key file)")));
        List<Deployment> deployments = deployments(purpose);
        if (aofDir.isPresent() && deployments.size() > 1) {
            throw new BackupException("--aof-dir: " + deployments.size()
                    + " Redis deployments are configured; pick the one whose AOF this is with --purpose");
        }
        List<Manifest> made = new ArrayList<>();
        for (Deployment d : deployments) {
            try {
                Manifest m = createOne(d, recipient, aofDir);
                made.add(m);
                webhook.ifPresent(w -> w.send(Summary.success(m)));
            } catch (RuntimeException e) {
                webhook.ifPresent(w -> w.send("Gatehouse backup of " + d.name() + " ("
                        + d.endpoint().redactedUrl() + ") FAILED: " + e.getMessage()));
                throw e;
            }
        }
        return made;
    }

    private Manifest createOne(Deployment d, PGPPublicKey recipient, Optional<Path> aofDir) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String id = ID_TIME.format(started) + "-" + d.name();
        // Snapshots as the backup user when one is configured (the shipped ACL's ops), else as the deployment's.
        RedisCli cli = new RedisCli(
                d.endpoint(),
                redisCli,
                snapshotUser.or(() -> d.endpoint().username()),
                snapshotPassword.or(() -> d.endpoint().password()));
        Path work = tempDir("gatehouse-backup-" + id);
        try {
            List<Sources.Node> nodes = Sources.resolve(d.endpoint(), cli);
            // Checked before any snapshot, so a wrong folder leaves nothing behind in the target.
            Optional<Sources.Node> aofNode = aofDir.map(dir -> aofNode(dir, nodes, cli));
            List<Manifest.FileEntry> files = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Sources.Node node = nodes.get(i);
                String name =
                        i + "-" + node.address().host() + "-" + node.address().port() + SUFFIX;
                Path rdb = work.resolve(i + ".rdb");
                cli.rdb(node.address(), rdb, progress);
                Path linked = work.resolve(i + "-scratch.rdb");
                Path scratchDir = work.resolve(i + "-scratch");
                Files.createLink(linked, rdb);
                // Counting in the scratch server and encoding use a core each.
                CompletableFuture<KeyFamilies.Counts> counts = CompletableFuture.supplyAsync(() -> {
                    try (Scratch s = Scratch.load(redisServer, linked, scratchDir, name)) {
                        return KeyFamilies.count(s, d.endpoint().keyPrefix());
                    }
                });
                Path stored = work.resolve(name);
                Codec.Encoded enc = Codec.encode(rdb, stored, recipient, progress);
                Files.delete(rdb);
                KeyFamilies.Counts c = join(counts);
                target.put(id, name, stored, progress);
                Files.delete(stored);
                files.add(entry(name, node, enc, c));
            }
            Manifest.Aof aof = null;
            if (aofDir.isPresent()) {
                aof = backUpAof(
                        id,
                        aofDir.get(),
                        aofNode.orElseThrow(),
                        cli,
                        recipient,
                        work,
                        d.endpoint().keyPrefix());
            }
            Manifest m = new Manifest(
                    id,
                    version(),
                    d.name(),
                    d.purposes(),
                    d.endpoint().redactedUrl(),
                    d.endpoint().mode().name().toLowerCase(java.util.Locale.ROOT),
                    d.endpoint().keyPrefix(),
                    started,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    "zstd",
                    "openpgp " + Pgp.fingerprint(recipient),
                    files,
                    aof);
            Path manifest = work.resolve(Manifest.NAME);
            Files.write(manifest, m.toJson());
            target.put(id, Manifest.NAME, manifest, Progress.NONE);
            return m;
        } catch (IOException e) {
            throw new BackupException(id + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private static Manifest.FileEntry entry(
            String name, Sources.Node node, Codec.Encoded enc, KeyFamilies.Counts counts) {
        return new Manifest.FileEntry(
                name,
                node.address().toString(),
                node.role(),
                node.redisVersion(),
                enc.storedBytes(),
                enc.sha256(),
                enc.rdbBytes(),
                enc.rdbSha256(),
                counts.keys(),
                counts.volatileKeys());
    }

    /** Of the nodes snapshotted, the one that keeps its AOF in {@code dir} on this host. */
    private static Sources.Node aofNode(Path dir, List<Sources.Node> nodes, RedisCli cli) {
        if (nodes.size() == 1) {
            AofCopy.check(cli, nodes.get(0).address(), dir); // names the folder it keeps its AOF in, if not this one
            return nodes.get(0);
        }
        return nodes.stream()
                .filter(n -> AofCopy.keepsAofIn(cli, n.address(), dir))
                .findFirst()
                .orElseThrow(() -> new BackupException("--aof-dir " + dir + ": none of "
                        + nodes.stream().map(n -> n.address().toString()).toList()
                        + " runs on this host and keeps its AOF there"));
    }

    /**
     * Copies the node's AOF (rewrites paused), encodes and stores each file, then loads the copy into a
     * scratch server to count its keys, which also proves that it loads.
     */
    private Manifest.Aof backUpAof(
            String id, Path dir, Sources.Node node, RedisCli cli, PGPPublicKey recipient, Path work, String keyPrefix)
            throws IOException {
        Path scratchDir = work.resolve("aof-scratch");
        Path copyDir = Files.createDirectories(scratchDir.resolve(Scratch.AOF_DIR));
        AofCopy.Copied copied = AofCopy.copy(cli, node.address(), dir, copyDir, progress);
        List<Manifest.FileEntry> files = new ArrayList<>();
        for (Path file : copied.files()) {
            String name = Manifest.Aof.storedName(file.getFileName().toString());
            Path stored = work.resolve(name);
            Codec.Encoded enc = Codec.encode(file, stored, recipient, progress);
            target.put(id, name, stored, progress);
            Files.delete(stored);
            files.add(entry(name, node, enc, new KeyFamilies.Counts(Map.of(), Map.of())));
        }
        try (Scratch s =
                Scratch.loadAof(redisServer, scratchDir, copied.appendFilename(), "AOF of " + node.address())) {
            KeyFamilies.Counts c = KeyFamilies.count(s, keyPrefix);
            return new Manifest.Aof(
                    node.address().toString(), copied.appendFilename(), files, c.keys(), c.volatileKeys());
        }
    }

    /** Complete backups (those with a manifest), oldest first. */
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        for (String id : target.ids()) {
            if (target.names(id).contains(Manifest.NAME)) {
                out.add(manifest(id));
            }
        }
        out.sort(Comparator.comparing(Manifest::createdAt));
        return out;
    }

    /** The manifest of backup {@code id}. */
    public Manifest manifest(String id) {
        if (!target.names(id).contains(Manifest.NAME)) {
            throw new BackupException(id + ": no such backup in " + target.describe() + " (no " + Manifest.NAME + ")");
        }
        Manifest m = Manifest.parse(target.read(id, Manifest.NAME), id + "/" + Manifest.NAME);
        if (!m.id().equals(id)) {
            throw new BackupException(id + "/" + Manifest.NAME + ": manifest mismatch: it describes backup " + m.id());
        }
        return m;
    }

    /**
     * Downloads backup {@code id} and checks it: the stored files' sizes and SHA-256s, decryption with
     * the secret key and its integrity packet, decompression, the snapshot's SHA-256,
     * {@code redis-check-rdb}, a load into a scratch {@code redis-server}, and its keys per family
     * against the manifest (keys with a TTL may have expired since). A backup with an AOF gets the same
     * checks for each AOF file, and the set is loaded into a scratch server and counted.
     */
    public VerifyReport verify(String id) {
        try (Loaded loaded = load(id)) {
            return loaded.report;
        }
    }

    /** What a restore copies from. */
    public enum From {
        /** The network snapshot(s) (every backup has them). */
        SNAPSHOT,
        /** The multi-part AOF copied on the Redis host ({@code create --aof-dir}). */
        AOF
    }

    /**
     * Restores backup {@code id} into the deployment at {@code to}, after every check of
     * {@link #verify} has passed. Refuses when a key of the backup already exists in the target unless
     * {@code replace}; with {@code dryRun} only counts.
     */
    public RestoreReport restore(String id, RedisEndpoint to, boolean dryRun, boolean replace) {
        return restore(id, to, dryRun, replace, From.SNAPSHOT);
    }

    /** As {@link #restore(String, RedisEndpoint, boolean, boolean)}, from the snapshots or from the AOF. */
    public RestoreReport restore(String id, RedisEndpoint to, boolean dryRun, boolean replace, From from) {
        long t0 = System.nanoTime();
        try (Loaded loaded = load(id)) {
            if (!loaded.report.ok()) {
                throw new BackupException(
                        id + ": refused to restore: " + loaded.report.failures().get(0)
                                + (loaded.report.failures().size() > 1
                                        ? " (and " + (loaded.report.failures().size() - 1) + " more failed checks)"
                                        : ""));
            }
            List<Scratch> sources = from == From.SNAPSHOT
                    ? loaded.scratches
                    : List.of(loaded.aof.orElseThrow(() -> new BackupException(
                            id + ": has no AOF (it was taken without --aof-dir); restore from its snapshot")));
            try (RedisConnector connector = RedisConnector.connect(patient(to))) {
                Copier copier = new Copier(connector, progress);
                long existing = copier.countExisting(sources);
                if (dryRun) {
                    copier.count(sources);
                } else if (existing > 0 && !replace) {
                    throw new BackupException(
                            id + ": refused to restore: " + existing + " of its keys already exist in "
                                    + to.redactedUrl() + " (use --replace to overwrite them)");
                } else {
                    copier.copy(sources, replace);
                }
                return new RestoreReport(
                        id,
                        dryRun,
                        copier.restored(),
                        copier.expired(),
                        existing,
                        copier.binary(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        }
    }

    /**
     * The target with a command timeout fit for pipelined batches of large {@code RESTORE}s rather than
     * for request latency (the default is 1 s).
     */
    private static RedisEndpoint patient(RedisEndpoint e) {
        java.time.Duration min = java.time.Duration.ofSeconds(60);
        return e.commandTimeout().compareTo(min) >= 0 ? e : e.withCommandTimeout(min);
    }

    /** A downloaded, checked backup whose snapshots (and AOF, if any) are loaded in scratch servers. */
    private static final class Loaded implements AutoCloseable {
        final VerifyReport report;
        final List<Scratch> scratches;
        final Optional<Scratch> aof;
        final Path work;

        Loaded(VerifyReport report, List<Scratch> scratches, Optional<Scratch> aof, Path work) {
            this.report = report;
            this.scratches = scratches;
            this.aof = aof;
            this.work = work;
        }

        @Override
        public void close() {
            scratches.forEach(Scratch::close);
            aof.ifPresent(Scratch::close);
            deleteTree(work);
        }
    }

    private Loaded load(String id) {
        List<String> checks = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Scratch> scratches = new ArrayList<>();
        Optional<Scratch> aof = Optional.empty();
        Path work = tempDir("gatehouse-verify-" + id);
        try {
            Manifest m;
            try {
                m = manifest(id);
            } catch (BackupException e) {
                failures.add(e.getMessage());
                return new Loaded(new VerifyReport(id, checks, failures), scratches, aof, work);
            }
            checks.add(Manifest.NAME + ": readable, " + m.files().size() + " file(s), " + m.totalKeys() + " keys");
            Pgp.SecretKeys keys = Pgp.secretKeys(
                    secretKey.orElseThrow(() -> new BackupException(
                            "gatehouse.backup.secret-key: not set (an exported OpenPGP secret key file)")),
                    passphrase);
            Set<String> stored = Set.copyOf(target.names(id));
            for (Manifest.FileEntry f : m.files()) {
                try {
                    scratches.add(checkFile(id, m, f, stored, keys, work, checks));
                } catch (BackupException e) {
                    failures.add(e.getMessage());
                    checks.add(e.getMessage());
                }
            }
            if (m.aof() != null) {
                try {
                    aof = Optional.of(checkAof(id, m, stored, keys, work, checks));
                } catch (BackupException e) {
                    failures.add(e.getMessage());
                    checks.add(e.getMessage());
                }
            }
            return new Loaded(new VerifyReport(id, checks, failures), scratches, aof, work);
        } catch (RuntimeException e) {
            scratches.forEach(Scratch::close);
            aof.ifPresent(Scratch::close);
            deleteTree(work);
            throw e;
        }
    }

    private Scratch checkFile(
            String id,
            Manifest m,
            Manifest.FileEntry f,
            Set<String> stored,
            Pgp.SecretKeys keys,
            Path work,
            List<String> checks) {
        String n = f.name();
        Path rdb = work.resolve(n + ".rdb");
        fetch(id, f, stored, keys, work, rdb, checks);
        try {
            checkRdb(n, rdb);
            checks.add(n + ": redis-check-rdb ok");
        } catch (IOException e) {
            throw new BackupException(n + ": " + e.getMessage(), e);
        }
        return loadAndCount(
                Scratch.load(redisServer, rdb, work.resolve(n + "-scratch"), n),
                n,
                m,
                f.keys(),
                f.volatileKeys(),
                checks);
    }

    /** Every AOF file fetched and checked into one folder under its original name, then loaded and counted. */
    private Scratch checkAof(
            String id, Manifest m, Set<String> stored, Pgp.SecretKeys keys, Path work, List<String> checks) {
        Manifest.Aof aof = m.aof();
        Path dir = work.resolve("aof-scratch");
        Path files = dir.resolve(Scratch.AOF_DIR);
        for (Manifest.FileEntry f : aof.files()) {
            fetch(id, f, stored, keys, work, files.resolve(Manifest.Aof.original(f)), checks);
        }
        String n = "AOF of " + aof.node();
        return loadAndCount(
                Scratch.loadAof(redisServer, dir, aof.appendFilename(), n),
                n,
                m,
                aof.keys(),
                aof.volatileKeys(),
                checks);
    }

    /** Downloads one stored file and decodes it into {@code plain}, checking sizes, hashes and the integrity packet. */
    private void fetch(
            String id,
            Manifest.FileEntry f,
            Set<String> stored,
            Pgp.SecretKeys keys,
            Path work,
            Path plain,
            List<String> checks) {
        String n = f.name();
        if (!stored.contains(n)) {
            throw new BackupException(n + ": missing from " + target.describe());
        }
        Path file = work.resolve(n);
        target.get(id, n, file, progress);
        try {
            long size = Files.size(file);
            if (size != f.storedBytes()) {
                throw new BackupException(n + ": size check failed: " + size + " bytes stored, the manifest says "
                        + f.storedBytes() + " (truncated or replaced upload)");
            }
            String sha = Codec.sha256(file);
            if (!sha.equals(f.sha256())) {
                throw new BackupException(n + ": SHA-256 check failed: the stored file hashes to " + sha
                        + ", the manifest says " + f.sha256());
            }
            checks.add(n + ": size and SHA-256 ok");
            Files.createDirectories(plain.getParent());
            Codec.decode(file, plain, keys, f, progress);
            Files.delete(file);
            checks.add(n + ": decrypted, integrity packet ok, decompressed, snapshot SHA-256 ok");
        } catch (IOException e) {
            throw new BackupException(n + ": " + e.getMessage(), e);
        }
    }

    private static Scratch loadAndCount(
            Scratch s,
            String n,
            Manifest m,
            Map<String, Long> expected,
            Map<String, Long> mayExpire,
            List<String> checks) {
        try {
            KeyFamilies.Counts found = KeyFamilies.count(s, m.keyPrefix());
            compare(n, expected, mayExpire, found);
            checks.add(n + ": loaded in redis-server, keys per family " + found.keys() + " match the manifest");
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Each family's count must equal the manifest's, less at most its keys with a TTL (they may have expired). */
    static void compare(String n, Map<String, Long> keys, Map<String, Long> volatileKeys, KeyFamilies.Counts found) {
        List<String> bad = new ArrayList<>();
        Set<String> families = new java.util.TreeSet<>(keys.keySet());
        families.addAll(found.keys().keySet());
        for (String family : families) {
            long expected = keys.getOrDefault(family, 0L);
            long got = found.keys().getOrDefault(family, 0L);
            long mayExpire = volatileKeys.getOrDefault(family, 0L);
            if (got > expected || expected - got > mayExpire) {
                bad.add(family + " " + got + " (manifest " + expected
                        + (mayExpire > 0 ? ", " + mayExpire + " with TTL" : "") + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new BackupException(n + ": key count check failed: " + String.join(", ", bad));
        }
    }

    private void checkRdb(String n, Path rdb) throws IOException {
        Process p = new ProcessBuilder(redisCheckRdb, rdb.toString())
                .redirectErrorStream(true)
                .start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BackupException(n + ": interrupted");
        }
        if (p.exitValue() != 0 || !out.contains("RDB looks OK")) {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            throw new BackupException(n + ": redis-check-rdb failed: "
                    + (lines.isEmpty() ? "exit " + p.exitValue() : lines.get(lines.size() - 1)));
        }
    }

    /** What {@link #prune} kept and removed (or would, on a dry run). */
    public record PruneResult(List<String> kept, List<String> deleted, boolean dryRun) {
        public PruneResult {
            kept = List.copyOf(kept);
            deleted = List.copyOf(deleted);
        }
    }

    /**
     * Deletes the backups {@code retention} does not keep. Incomplete backups (no manifest) are dated
     * by their id and pruned like the others once out of every window.
     */
    public PruneResult prune(Retention retention, boolean dryRun) {
        List<Retention.Item> items = new ArrayList<>();
        for (String id : target.ids()) {
            try {
                items.add(new Retention.Item(id, Instant.from(ID_TIME.parse(id.substring(0, 16)))));
            } catch (RuntimeException e) {
                // not a backup folder of ours; never touched
            }
        }
        Set<String> keep = retention.keep(items, clock.instant());
        List<String> kept = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Retention.Item i : items.stream()
                .sorted(Comparator.comparing(Retention.Item::createdAt))
                .toList()) {
            if (keep.contains(i.id())) {
                kept.add(i.id());
            } else {
                deleted.add(i.id());
                if (!dryRun) {
                    target.delete(i.id());
                }
            }
        }
        return new PruneResult(kept, deleted, dryRun);
    }

    @Override
    public void close() {
        target.close();
    }

    static String version() {
        try (InputStream in = Backups.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Path tempDir(String name) {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, name.replaceAll("[^A-Za-z0-9_.+-]", "_") + "-");
        } catch (IOException e) {
            throw new BackupException(
                    "gatehouse.backup.work-dir: cannot create a folder in " + workDir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Builds {@link Backups}; every setting not given comes from {@code gatehouse.backup.*}. */
    public static final class Builder {
        private GatehouseConfig config;
        private Optional<BackupTarget> target = Optional.empty();
        private Optional<Path> publicKey = Optional.empty();
        private Optional<Path> secretKey = Optional.empty();
        private Optional<URI> webhook = Optional.empty();
        private Optional<Path> workDir = Optional.empty();
        private Progress progress = Progress.NONE;
        private Clock clock = Clock.systemUTC();
        private final Map<String, String> binaries = new LinkedHashMap<>();

        private Builder() {}

        /** The configuration whose {@code gatehouse.redis.*} deployments are backed up. Required. */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where backups go; default {@code gatehouse.backup.target}. */
        public Builder target(BackupTarget target) {
            this.target = Optional.of(target);
            return this;
        }

        /** The recipient's exported OpenPGP public key (create); default {@code gatehouse.backup.public-key}. */
        public Builder publicKey(Path file) {
            this.publicKey = Optional.of(file);
            return this;
        }

        /** The exported OpenPGP secret key (verify, restore); default {@code gatehouse.backup.secret-key}. */
        public Builder secretKey(Path file) {
            this.secretKey = Optional.of(file);
            return this;
        }

        /** A Slack-compatible webhook told of every create; default {@code gatehouse.backup.webhook-url}. */
        public Builder webhook(URI url) {
            this.webhook = Optional.of(url);
            return this;
        }

        /** Where snapshots are staged; the system temp directory by default. Needs room for the largest snapshot. */
        public Builder workDir(Path dir) {
            this.workDir = Optional.of(dir);
            return this;
        }

        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Path of {@code redis-cli}, {@code redis-server} or {@code redis-check-rdb} when not on PATH. */
        public Builder binary(String name, String path) {
            this.binaries.put(Objects.requireNonNull(name), Objects.requireNonNull(path));
            return this;
        }

        public Backups build() {
            if (config == null) {
                throw new IllegalStateException("Backups.builder(): config(...) is required");
            }
            if (workDir.isEmpty()) {
                config.get("gatehouse.backup.work-dir").map(Path::of).ifPresent(d -> workDir = Optional.of(d));
            }
            return new Backups(this);
        }
    }
}
