package io.gatehouse.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code gatehouse.*} settings of a Spring application: the same keys as the server's configuration
 * ({@code docs/CONFIGURATION.md}). The common ones are typed here, so IDEs complete them and Spring converts
 * them; every other {@code gatehouse.*} key of the environment is handed to Gatehouse unchanged
 * ({@link GatehouseConfigs}), so nothing the server accepts is lost. The starter's own switches live under
 * {@code gatehouse.spring.*}.
 */
@ConfigurationProperties(prefix = "gatehouse")
public class GatehouseProperties {
    /** Where files of the embedded default live (keys, spool files): {@code gatehouse.data-dir}. */
    private String dataDir;

    private final Redis redis = new Redis();
    private final Tokens tokens = new Tokens();
    private final Sessions sessions = new Sessions();
    private final Spring spring = new Spring();

    public String getDataDir() {
        return dataDir;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public Redis getRedis() {
        return redis;
    }

    public Tokens getTokens() {
        return tokens;
    }

    public Sessions getSessions() {
        return sessions;
    }

    public Spring getSpring() {
        return spring;
    }

    /** The typed settings as Gatehouse configuration keys (only those set). */
    Map<String, String> typedKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "gatehouse.data-dir", dataDir);
        put(out, "gatehouse.redis.url", redis.url);
        put(out, "gatehouse.redis.key-prefix", redis.keyPrefix);
        put(out, "gatehouse.redis.connect-timeout", redis.connectTimeout);
        put(out, "gatehouse.redis.command-timeout", redis.commandTimeout);
        put(out, "gatehouse.tokens.issuer", tokens.issuer);
        put(out, "gatehouse.tokens.audience", tokens.audience);
        put(out, "gatehouse.tokens.revocation.staleness-budget", tokens.revocation.stalenessBudget);
        put(out, "gatehouse.tokens.revocation.on-stale", tokens.revocation.onStale);
        put(out, "gatehouse.sessions.idle-timeout", sessions.idleTimeout);
        put(out, "gatehouse.sessions.absolute-timeout", sessions.absoluteTimeout);
        put(out, "gatehouse.sessions.max-per-user", sessions.maxPerUser);
        put(out, "gatehouse.sessions.mac-key", sessions.macKey);
        put(out, "gatehouse.sessions.device-key", sessions.deviceKey);
        return out;
    }

    private static void put(Map<String, String> out, String key, Object value) {
        if (value instanceof Duration d) {
            out.put(key, d.toMillis() + "ms");
        } else if (value != null) {
            out.put(key, value.toString());
        }
    }

    /** {@code gatehouse.redis.*}: the Redis deployment every capability uses (in memory when unset). */
    public static class Redis {
        /** redis://, rediss://, redis-sentinel:// or redis-cluster:// URL; unset: everything in memory. */
        private String url;
        /** Prefix of every key Gatehouse writes; the server and the applications sharing its state use the same. */
        private String keyPrefix;
        /** Connection timeout. */
        private Duration connectTimeout;
        /** Command timeout. */
        private Duration commandTimeout;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }
    }

    /** {@code gatehouse.tokens.*}: must match the server that issues the tokens. */
    public static class Tokens {
        /** iss put into and required in tokens (the server's public URL). */
        private String issuer;
        /** aud put into and required in tokens. */
        private String audience;

        private final Revocation revocation = new Revocation();

        public String getIssuer() {
            return issuer;
        }

        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        public String getAudience() {
            return audience;
        }

        public void setAudience(String audience) {
            this.audience = audience;
        }

        public Revocation getRevocation() {
            return revocation;
        }
    }

    /** {@code gatehouse.tokens.revocation.*}: the staleness policy of the in-memory revocation state. */
    public static class Revocation {
        /** How long the revocation state is trusted while its link to Redis is down (default 30s). */
        private Duration stalenessBudget;
        /** Past the budget: fail-closed (503 for tokens not known to be revoked) or fail-open. */
        private String onStale;

        public Duration getStalenessBudget() {
            return stalenessBudget;
        }

        public void setStalenessBudget(Duration stalenessBudget) {
            this.stalenessBudget = stalenessBudget;
        }

        public String getOnStale() {
            return onStale;
        }

        public void setOnStale(String onStale) {
            this.onStale = onStale;
        }
    }

    /** {@code gatehouse.sessions.*}. */
    public static class Sessions {
        /** A session not touched for this long ends. */
        private Duration idleTimeout;
        /** A session ends this long after creation. */
        private Duration absoluteTimeout;
        /** Live sessions per user, enforced atomically at creation (0 = off). */
        private Integer maxPerUser;
        /** Base64 secret (at least 32 bytes) for the entries' HMAC; the same on every instance. Required on Redis. */
        private String macKey;
        /** Base64 secret (at least 32 bytes) that turns device fingerprints into device ids. Required on Redis. */
        private String deviceKey;

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getAbsoluteTimeout() {
            return absoluteTimeout;
        }

        public void setAbsoluteTimeout(Duration absoluteTimeout) {
            this.absoluteTimeout = absoluteTimeout;
        }

        public Integer getMaxPerUser() {
            return maxPerUser;
        }

        public void setMaxPerUser(Integer maxPerUser) {
            this.maxPerUser = maxPerUser;
        }

        public String getMacKey() {
            return macKey;
        }

        public void setMacKey(String macKey) {
            this.macKey = macKey;
        }

        public String getDeviceKey() {
            return deviceKey;
        }

        public void setDeviceKey(String deviceKey) {
            this.deviceKey = deviceKey;
        }
    }

    /** {@code gatehouse.spring.*}: the starter's own switches. */
    public static class Spring {
        /** Open the user database too (an application that registers and logs in users with Gatehouse). */
        private boolean users = false;

        private final Session session = new Session();
        private final Cache cache = new Cache();

        public boolean isUsers() {
            return users;
        }

        public void setUsers(boolean users) {
            this.users = users;
        }

        public Session getSession() {
            return session;
        }

        public Cache getCache() {
            return cache;
        }
    }

    /** {@code gatehouse.spring.session.*}. */
    public static class Session {
        /** Store HttpSession in Gatehouse sessions (Spring Session); same as @EnableGatehouseHttpSession. */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code gatehouse.spring.cache.*}: the caches of the Spring CacheManager. */
    public static class Cache {
        /** Serve @Cacheable from Gatehouse caches (a CacheManager bean). */
        private boolean enabled = true;
        /** Time to live of entries when a cache names none. */
        private Duration defaultTtl = Duration.ofMinutes(10);
        /** The caches by name: value type (JSON) and time to live. */
        private Map<String, CacheSpec> specs = new LinkedHashMap<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public Map<String, CacheSpec> getSpecs() {
            return specs;
        }

        public void setSpecs(Map<String, CacheSpec> specs) {
            this.specs = specs;
        }
    }

    /** One Spring cache: {@code gatehouse.spring.cache.specs.<name>.type} and {@code .ttl}. */
    public static class CacheSpec {
        /** The class of the values (stored as JSON); default java.lang.Object (maps and lists). */
        private Class<?> type = Object.class;
        /** Time to live; default gatehouse.spring.cache.default-ttl. */
        private Duration ttl;

        public Class<?> getType() {
            return type;
        }

        public void setType(Class<?> type) {
            this.type = type;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }
    }
}
