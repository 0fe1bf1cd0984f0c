package io.gatehouse.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The whole configuration of a Gatehouse instance, immutable once built.
 *
 * <p>Values come from, in rising precedence: defaults, a properties file (or the {@link Builder}),
 * and environment variables. The environment variable for a key is the key upper-cased with dots and
 * dashes replaced by underscores: {@code gatehouse.redis.tokens.url} is {@code GATEHOUSE_REDIS_TOKENS_URL}.
 *
 * <p>Redis settings are read per {@link Purpose}: {@code gatehouse.redis.<purpose>.<setting>} wins over
 * {@code gatehouse.redis.<setting>}. A purpose with no URL at all is served by the in-memory store.
 * All Redis settings are validated when the configuration is built, so a typo fails at startup with a
 * message that names the key. The keys are listed in {@code docs/CONFIGURATION.md}.
 */
public final class GatehouseConfig {

    /** Where a properties file is looked for when {@code GATEHOUSE_CONFIG} is not set. */
    public static final String DEFAULT_FILE = "gatehouse.properties";

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_SPIN_WAIT = Duration.ofNanos(250_000);
    static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMillis(100);

    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Map<Purpose, Optional<RedisEndpoint>> redis = new EnumMap<>(Purpose.class);

    private GatehouseConfig(Map<String, String> properties, Map<String, String> environment) {
        this.properties = Map.copyOf(properties);
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("GATEHOUSE_")) {
                env.put(k, v);
            }
        });
        this.environment = Map.copyOf(env);
        for (Purpose p : Purpose.values()) {
            redis.put(p, readRedis(p));
        }
    }

    /** A builder starting from no settings at all (everything in memory). */
    public static Builder builder() {
        return new Builder(Map.of(), Map.of());
    }

    /**
     * The configuration of a real deployment: the file named by {@code GATEHOUSE_CONFIG}, or
     * {@value #DEFAULT_FILE} in the working directory if it exists, overridden by the process's
     * environment variables.
     */
    public static GatehouseConfig fromEnvironment() {
        Map<String, String> env = System.getenv();
        String file = env.get("GATEHOUSE_CONFIG");
        Path path = Path.of(file != null ? file : DEFAULT_FILE);
        if (file == null && !Files.exists(path)) {
            return new GatehouseConfig(Map.of(), env);
        }
        return load(path, env);
    }

    /** Reads a properties file, then applies the {@code GATEHOUSE_*} variables of {@code environment}. */
    public static GatehouseConfig load(Path propertiesFile, Map<String, String> environment) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException(
                    "GATEHOUSE_CONFIG",
                    "Cannot read the configuration file "
                            + propertiesFile.toAbsolutePath() + " (named by GATEHOUSE_CONFIG or found as "
                            + DEFAULT_FILE + "): " + e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames()
                .forEach(k -> map.put(k.trim(), props.getProperty(k).trim()));
        return new GatehouseConfig(map, environment);
    }

    /** The configuration made of these properties overridden by the {@code GATEHOUSE_*} entries of {@code environment}. */
    public static GatehouseConfig of(Map<String, String> properties, Map<String, String> environment) {
        return new GatehouseConfig(properties, environment);
    }

    /** A builder holding this configuration's settings, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(properties, environment);
    }

    /** The environment variable that overrides {@code key}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The Redis deployment serving {@code purpose}, or empty when it is served in memory. */
    public Optional<RedisEndpoint> redis(Purpose purpose) {
        return redis.get(purpose);
    }

    /** Where files of the embedded default live (keys, spool files, the H2 database): {@code gatehouse.data-dir}, default {@code ./data}. */
    public Path dataDir() {
        return Path.of(string("gatehouse.data-dir", "./data"));
    }

    /** The value of {@code key}: its environment variable if set, else the property. */
    public Optional<String> get(String key) {
        String fromEnv = environment.get(environmentName(key));
        if (fromEnv != null) {
            return Optional.of(fromEnv.trim());
        }
        return Optional.ofNullable(properties.get(key));
    }

    /** The value of {@code key}, or {@code defaultValue}. */
    public String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /**
     * A duration such as {@code 100us}, {@code 250ms}, {@code 2s}, {@code 15m}, {@code 12h}, {@code 30d} or
     * ISO-8601 {@code PT2S}.
     */
    public Duration duration(String key, Duration defaultValue) {
        return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
    }

    /** A duration above zero; the error names {@code key}. */
    public Duration positiveDuration(String key, Duration defaultValue) {
        Duration d = duration(key, defaultValue);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, key + " must be a positive duration, not " + d);
        }
        return d;
    }

    /** A duration of at least {@code min}; the error names {@code key}. */
    public Duration durationAtLeast(String key, Duration defaultValue, Duration min) {
        Duration d = duration(key, defaultValue);
        if (d.compareTo(min) < 0) {
            throw new ConfigException(key, key + " = " + d + " is too small: it must be at least " + min + ".");
        }
        return d;
    }

    /** A duration of zero (usually: off) or more; the error names {@code key}. */
    public Duration nonNegativeDuration(String key, Duration defaultValue) {
        Duration d = duration(key, defaultValue);
        if (d.isNegative()) {
            throw new ConfigException(key, key + " = " + d + " is negative; use 0 to turn it off.");
        }
        return d;
    }

    /**
     * A 256-bit key given as base64 (AES-256-GCM keys: token signing keys and second-factor secrets at
     * rest), or empty when the setting is unset or blank. The error names {@code key} and never shows the value.
     */
    public Optional<byte[]> key256(String key) {
        return get(key).filter(s -> !s.isBlank()).map(s -> {
            byte[] bytes;
            try {
                bytes = java.util.Base64.getDecoder().decode(s.trim());
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length != 32) {
                throw new ConfigException(
                        key,
                        key
                                + " must be 32 random bytes in base64 (for example the output of 'openssl rand -base64 32')");
            }
            return bytes;
        });
    }

    /** A whole number from {@code min} to {@code max}; the error names {@code key} and the range. */
    public long numberInRange(String key, long defaultValue, long min, long max) {
        long v = number(key, defaultValue);
        if (v < min || v > max) {
            throw new ConfigException(key, key + " = " + v + " must be between " + min + " and " + max);
        }
        return v;
    }

    /**
     * {@code text} as a duration in the configuration's forms ({@code 250ms}, {@code 2s}, {@code 15m},
     * {@code 12h}, {@code 30d}, ISO-8601 {@code PT2S}), or empty when it is none: the one duration parser,
     * also used inside other values (a rate {@code 10/1m}).
     */
    public static Optional<Duration> parseDuration(String text) {
        try {
            return Optional.of(parseDuration("duration", text));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /** A whole number. */
    public long number(String key, long defaultValue) {
        return get(key).map(v -> {
                    try {
                        return Long.parseLong(v.replace("_", ""));
                    } catch (NumberFormatException e) {
                        throw new ConfigException(key, key + " = '" + v + "' is not a whole number");
                    }
                })
                .orElse(defaultValue);
    }

    /** {@code true} or {@code false}. */
    public boolean flag(String key, boolean defaultValue) {
        return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw new ConfigException(key, key + " = '" + v + "' is neither true nor false");
                })
                .orElse(defaultValue);
    }

    static Duration parseDuration(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            int split = 0;
            while (split < v.length() && (Character.isDigit(v.charAt(split)) || v.charAt(split) == '_')) {
                split++;
            }
            long amount = Long.parseLong(v.substring(0, split).replace("_", ""));
            String unit = v.substring(split).trim();
            if (unit.isEmpty() && amount == 0) {
                return Duration.ZERO; // "0" needs no unit (settings say "0 turns it off")
            }
            Duration d = switch (unit) {
                case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m", "min" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> null;
            };
            if (d != null) {
                return d;
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            // fall through to the common message
        }
        throw new ConfigException(
                key, key + " = '" + value + "' is not a duration; write it like 100us, 250ms, 2s, 15m, 12h or 30d");
    }

    private Optional<RedisEndpoint> readRedis(Purpose p) {
        String urlKey = redisKey(p, "url");
        Optional<String> url = get(urlKey).filter(s -> !s.isBlank());
        if (url.isEmpty()) {
            return Optional.empty();
        }
        RedisUrls.Parsed parsed = RedisUrls.parse(urlKey, url.get());
        Duration connectTimeout = positive(redisKey(p, "connect-timeout"), DEFAULT_CONNECT_TIMEOUT);
        Duration commandTimeout = positive(redisKey(p, "command-timeout"), DEFAULT_COMMAND_TIMEOUT);
        Duration retry = positive(redisKey(p, "circuit.retry-interval"), DEFAULT_RETRY_INTERVAL);
        Optional<String> username = parsed.username().or(() -> get(redisKey(p, "username")));
        Optional<String> password = parsed.password().or(() -> get(redisKey(p, "password")));
        Optional<Path> ca = file(redisKey(p, "tls.ca-file"));
        Optional<Path> cert = file(redisKey(p, "tls.cert-file"));
        Optional<Path> key = file(redisKey(p, "tls.key-file"));
        if (cert.isPresent() != key.isPresent()) {
            String missing = cert.isPresent() ? redisKey(p, "tls.key-file") : redisKey(p, "tls.cert-file");
            throw new ConfigException(
                    missing,
                    "A client certificate needs both " + redisKey(p, "tls.cert-file") + " and "
                            + redisKey(p, "tls.key-file") + "; " + missing + " is not set");
        }
        if (!parsed.tls() && (ca.isPresent() || cert.isPresent())) {
            throw new ConfigException(
                    urlKey,
                    "TLS files are configured but " + urlKey
                            + " does not use TLS; use a rediss:// scheme to connect over TLS");
        }
        String prefix = string(redisKey(p, "key-prefix"), "gatehouse");
        if (!prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(
                    redisKey(p, "key-prefix"),
                    redisKey(p, "key-prefix") + " = '" + prefix + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return Optional.of(new RedisEndpoint(
                parsed.mode(),
                parsed.tls(),
                parsed.nodes(),
                parsed.master(),
                parsed.database(),
                username,
                password,
                connectTimeout,
                commandTimeout,
                ca,
                cert,
                key,
                flag(redisKey(p, "tls.verify-peer"), true),
                prefix,
                retry,
                readDurability(p),
                spinWait(redisKey(p, "spin-wait"))));
    }

    private Duration spinWait(String key) {
        Duration d = nonNegativeDuration(key, DEFAULT_SPIN_WAIT);
        if (d.compareTo(RedisEndpoint.MAX_SPIN_WAIT) > 0) {
            throw new ConfigException(
                    key, key + " = '" + string(key, "") + "' is too long; at most 1ms (0 turns spinning off)");
        }
        return d;
    }

    private Durability readDurability(Purpose p) {
        String modeKey = redisKey(p, "durability");
        Durability.Mode mode = switch (string(modeKey, "async").toLowerCase(Locale.ROOT)) {
            case "async" -> Durability.Mode.ASYNC;
            case "replicated" -> Durability.Mode.REPLICATED;
            default ->
                throw new ConfigException(
                        modeKey, modeKey + " = '" + string(modeKey, "") + "' must be async or replicated");
        };
        String replicasKey = redisKey(p, "durability.replicas");
        long replicas = number(replicasKey, Durability.ASYNC.replicas());
        if (replicas < 1 || replicas > 16) {
            throw new ConfigException(replicasKey, replicasKey + " = " + replicas + " must be between 1 and 16");
        }
        String timeoutKey = redisKey(p, "durability.timeout");
        Duration timeout = positive(timeoutKey, Durability.ASYNC.timeout());
        String checkKey = redisKey(p, "durability.check");
        Durability.Check check = switch (string(checkKey, "warn").toLowerCase(Locale.ROOT)) {
            case "off" -> Durability.Check.OFF;
            case "warn" -> Durability.Check.WARN;
            case "strict" -> Durability.Check.STRICT;
            default ->
                throw new ConfigException(
                        checkKey, checkKey + " = '" + string(checkKey, "") + "' must be off, warn or strict");
        };
        return new Durability(mode, (int) replicas, timeout, check);
    }

    /**
     * The key that supplies {@code setting} for {@code purpose}: the purpose's own key if it is set,
     * else the shared {@code gatehouse.redis.<setting>}. Error messages use it to name the right key.
     */
    public String redisKey(Purpose purpose, String setting) {
        String own = "gatehouse.redis." + purpose.key() + "." + setting;
        return get(own).isPresent() ? own : "gatehouse.redis." + setting;
    }

    private Duration positive(String key, Duration def) {
        Duration d = duration(key, def);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, key + " must be a positive duration, not " + d);
        }
        return d;
    }

    private Optional<Path> file(String key) {
        Optional<Path> path = get(key).filter(s -> !s.isBlank()).map(Path::of);
        path.ifPresent(f -> {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new ConfigException(
                        key, key + " = " + f + ": no readable file there (" + f.toAbsolutePath() + ")");
            }
        });
        return path;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GatehouseConfig[");
        for (Purpose p : Purpose.values()) {
            sb.append(p)
                    .append('=')
                    .append(redis(p).map(RedisEndpoint::redactedUrl).orElse("in-memory"))
                    .append(' ');
        }
        return sb.append("data-dir=").append(dataDir()).append(']').toString();
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private final Map<String, String> properties;
        private final Map<String, String> environment;

        private Builder(Map<String, String> properties, Map<String, String> environment) {
            this.properties = new LinkedHashMap<>(properties);
            this.environment = new LinkedHashMap<>(environment);
        }

        /** Sets one key; see {@code docs/CONFIGURATION.md}. An environment variable still overrides it. */
        public Builder set(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** Sets {@code gatehouse.redis.url}: one deployment for every purpose. */
        public Builder redisUrl(String url) {
            return set("gatehouse.redis.url", url);
        }

        /** Sets {@code gatehouse.redis.<purpose>.url}. */
        public Builder redisUrl(Purpose purpose, String url) {
            return set("gatehouse.redis." + purpose.key() + ".url", url);
        }

        /** Sets {@code gatehouse.data-dir}. */
        public Builder dataDir(Path dir) {
            return set("gatehouse.data-dir", dir.toString());
        }

        /** Validates and freezes the settings. */
        public GatehouseConfig build() {
            return new GatehouseConfig(properties, environment);
        }
    }
}
