package io.gatehouse.ratelimit;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named policies of an instance, from configuration. Four are always defined (their limits can be
 * changed): {@code login-ip} 20/1m, {@code login-account} 5/1m, {@code api-user} 600/1m,
 * {@code api-ip} 1200/1m. More are added by naming them in {@code gatehouse.ratelimit.policies}.
 * Each policy reads {@code gatehouse.ratelimit.policy.<name>.rate} ({@code 10/1m}),
 * {@code .burst} (default: the rate's count) and {@code .on-store-down}
 * ({@code fallback}, {@code fail-open}, {@code fail-closed}).
 */
public final class RatePolicies {
    static final String LIST = "gatehouse.ratelimit.policies";
    private static final Map<String, String> DEFAULTS =
            Map.of("login-ip", "20/1m", "login-account", "5/1m", "api-user", "600/1m", "api-ip", "1200/1m");

    private final Map<String, RatePolicy> policies;

    private RatePolicies(Map<String, RatePolicy> policies) {
        this.policies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(policies));
    }

    /** The built-in policies with their defaults. */
    public static RatePolicies defaults() {
        return fromConfig(GatehouseConfig.builder().build());
    }

    /** Reads the policies; a bad value fails with a {@link ConfigException} naming its key. */
    public static RatePolicies fromConfig(GatehouseConfig config) {
        Map<String, RatePolicy> out = new LinkedHashMap<>();
        for (String name : new String[] {"login-ip", "login-account", "api-user", "api-ip"}) {
            out.put(name, read(config, name));
        }
        for (String raw : config.string(LIST, "").split(",")) {
            String name = raw.trim();
            if (name.isEmpty() || out.containsKey(name)) {
                continue;
            }
            if (!name.matches("[a-z0-9._-]{1,64}")) {
                throw new ConfigException(
                        LIST,
                        LIST + " names '" + name
                                + "'; a policy name is 1 to 64 characters of a-z, 0-9, '.', '_' or '-'");
            }
            if (config.get(key(name, "rate")).isEmpty()) {
                throw new ConfigException(
                        key(name, "rate"),
                        LIST + " names policy '" + name + "' but " + key(name, "rate")
                                + " is not set; give its rate like 100/1m");
            }
            out.put(name, read(config, name));
        }
        return new RatePolicies(out);
    }

    private static RatePolicy read(GatehouseConfig config, String name) {
        String rateKey = key(name, "rate");
        String rate = config.string(rateKey, DEFAULTS.getOrDefault(name, ""));
        Limit limit;
        try {
            limit = Limit.parse(rate);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(rateKey, rateKey + " = '" + rate + "': " + e.getMessage());
        }
        String burstKey = key(name, "burst");
        long burst = config.number(burstKey, limit.count());
        try {
            limit = limit.withBurst(burst);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(burstKey, burstKey + " = " + burst + ": " + e.getMessage());
        }
        String modeKey = key(name, "on-store-down");
        String modeText = config.string(modeKey, StoreDownMode.FALLBACK.label());
        StoreDownMode mode = StoreDownMode.parse(modeText);
        if (mode == null) {
            throw new ConfigException(
                    modeKey,
                    modeKey + " = '" + modeText + "' must be fallback (an in-memory limiter per "
                            + "instance), fail-open (allow all) or fail-closed (refuse all)");
        }
        return new RatePolicy(name, limit, mode);
    }

    static String key(String policy, String setting) {
        return "gatehouse.ratelimit.policy." + policy + "." + setting;
    }

    /** The policy called {@code name}; {@link IllegalArgumentException} if there is none. */
    public RatePolicy policy(String name) {
        RatePolicy p = policies.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no rate-limit policy '" + name + "'; known: " + policies.keySet());
        }
        return p;
    }

    public Collection<RatePolicy> all() {
        return policies.values();
    }
}
