package io.gatehouse.server.auth;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.server.http.HttpSettings;
import io.gatehouse.user.UserProfiles;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The server's auth settings, and the defaults the server adds to the core's configuration.
 *
 * <p>{@link #withServerDefaults} runs before anything is built, so every capability sees the same values:
 * <ul>
 *   <li>{@code gatehouse.tokens.issuer} defaults to {@code gatehouse.server.public-url}, which defaults to
 *       {@code http://localhost:<port>}: the issuer must equal, character for character, the URL resource
 *       servers discover metadata from, so it follows the server's public URL unless set on its own;</li>
 *   <li>the rate-limit policies of the auth routes ({@value #REGISTER_IP}, {@value #REFRESH_FAMILY},
 *       {@value #INTROSPECT_CLIENT}) are added to {@code gatehouse.ratelimit.policies} with the defaults
 *       below unless their rate is configured ({@code login-ip} and {@code login-account} are built in);</li>
 *   <li>{@code gatehouse.cache.users.near} defaults to {@code true}: the refresh flow's user-status read is a
 *       local hit (invalidated across instances when a user changes, see docs/CACHE.md).</li>
 * </ul>
 *
 * @param publicUrl  {@code gatehouse.server.public-url}: scheme, host and port (no trailing slash) clients use
 * @param issuer     the tokens' {@code iss}, as resolved
 * @param audience   the tokens' {@code aud} ({@code gatehouse.tokens.audience}, default {@code gatehouse})
 * @param profileTtl {@code gatehouse.server.profile-cache-ttl}, default 10 minutes: how long the user profile
 *                   cached at login is served without reading the database
 * @param passwordGrant {@value #PASSWORD_GRANT}, default true: whether {@code /oauth2/token} accepts (and the
 *                   metadata advertises) the resource owner password grant. RFC 9700 §2.4 says it MUST NOT be
 *                   used: it exists for first-party form logins; turn it off when none uses it
 */
public record AuthSettings(
        String publicUrl, String issuer, String audience, Duration profileTtl, boolean passwordGrant) {
    public static final String PASSWORD_GRANT = "gatehouse.server.oauth.password-grant";
    public static final String PUBLIC_URL = "gatehouse.server.public-url";
    public static final String ISSUER = "gatehouse.tokens.issuer";
    public static final String PROFILE_TTL = "gatehouse.server.profile-cache-ttl";
    /** See {@link #introspectBatch}. */
    public static final String INTROSPECT_BATCH = "gatehouse.server.introspect-limit-batch";
    /** The near cache of the user profiles; the server turns it on unless configured. */
    public static final String USERS_NEAR = "gatehouse.cache." + UserProfiles.CACHE + ".near";
    /** Registrations per client IP. */
    public static final String REGISTER_IP = "register-ip";
    /** Refreshes per refresh family, i.e. per login (a legitimate client refreshes once per access-token lifetime). */
    public static final String REFRESH_FAMILY = "refresh-family";
    /**
     * Refreshes per client address, decided before anything else of a refresh (the token is not read yet), so
     * a flood of forged or stolen-and-retired tokens from one address stops here.
     */
    public static final String REFRESH_IP = "refresh-ip";
    /** Introspections per client: a ceiling against runaway resource servers, far above normal use. */
    public static final String INTROSPECT_CLIENT = "introspect-client";
    /** Requests that mail a link (password reset, verification resend) per client address. */
    public static final String MAIL_IP = "mail-ip";
    /** Requests that mail a link per address asked for (whether or not it has an account). */
    public static final String MAIL_ACCOUNT = "mail-account";
    /** Built-in policy of the core: login attempts per client IP. */
    public static final String LOGIN_IP = "login-ip";
    /** Built-in policy of the core: wrong passwords per account name (the server spends it on failures only). */
    public static final String LOGIN_ACCOUNT = "login-account";

    static final List<String[]> POLICY_DEFAULTS = List.of(
            // Wrong passwords per account (successes spend nothing): 10 at once, then 100 a day, so a guesser
            // spread over many addresses stays far below NIST SP 800-63B's 100 consecutive failures per account
            // within a day, and the owner keeps logging in from known devices (LoginService).
            new String[] {LOGIN_ACCOUNT, "100/1d", "10"},
            new String[] {REGISTER_IP, "30/1m"},
            new String[] {MAIL_IP, "10/1m"},
            // 5 at once, then one every 12 minutes: enough for a user who lost a message, too few to flood an inbox.
            new String[] {MAIL_ACCOUNT, "5/1h", "5"},
            new String[] {REFRESH_FAMILY, "60/1m"},
            new String[] {REFRESH_IP, "600/1m"},
            new String[] {INTROSPECT_CLIENT, "600000/1m"});
    private static final String POLICIES = "gatehouse.ratelimit.policies";

    /**
     * {@code config} with the server's defaults filled in where nothing is configured (environment
     * variables still win over every value set here).
     */
    public static GatehouseConfig withServerDefaults(GatehouseConfig config) {
        GatehouseConfig.Builder b = config.toBuilder();
        String publicUrl = publicUrl(config);
        b.set(PUBLIC_URL, publicUrl);
        if (config.get(ISSUER).isEmpty()) {
            b.set(ISSUER, publicUrl);
        }
        if (publicUrl.startsWith("https:") && config.get(HttpSettings.HSTS_KEY).isEmpty()) {
            // Clients reach the server over https: browsers must never fall back to http (a year, RFC 6797).
            b.set(HttpSettings.HSTS_KEY, "365d");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : config.string(POLICIES, "").split(",")) {
            if (!n.isBlank()) {
                names.add(n.strip());
            }
        }
        for (String[] p : POLICY_DEFAULTS) {
            names.add(p[0]);
            String rateKey = "gatehouse.ratelimit.policy." + p[0] + ".rate";
            if (config.get(rateKey).isEmpty()) {
                b.set(rateKey, p[1]);
                String burstKey = "gatehouse.ratelimit.policy." + p[0] + ".burst";
                if (p.length > 2 && config.get(burstKey).isEmpty()) {
                    b.set(burstKey, p[2]);
                }
            }
        }
        b.set(POLICIES, String.join(",", names));
        if (config.get(USERS_NEAR).isEmpty()) {
            // The refresh flow reads the user's status on every refresh: a local hit, not a round trip. Every
            // change of a user drops the profile (UserProfiles.drop), which every instance's near cache hears.
            b.set(USERS_NEAR, "true");
        }
        return b.build();
    }

    /** Reads the settings from a configuration that went through {@link #withServerDefaults}. */
    public static AuthSettings from(GatehouseConfig config) {
        Duration ttl = config.duration(PROFILE_TTL, Duration.ofMinutes(10));
        if (ttl.isNegative() || ttl.isZero()) {
            throw new ConfigException(PROFILE_TTL, PROFILE_TTL + " must be a positive duration such as 10m");
        }
        return new AuthSettings(
                publicUrl(config),
                config.string(ISSUER, publicUrl(config)),
                config.string("gatehouse.tokens.audience", "gatehouse"),
                ttl,
                config.flag(PASSWORD_GRANT, true));
    }

    /**
     * {@value #INTROSPECT_BATCH} (default 1000): the most {@code introspect-client} units an instance takes from
     * Redis at once and spends locally (also at most a thousandth of the policy's burst); 1 decides every
     * introspection in Redis.
     */
    public static long introspectBatch(GatehouseConfig config) {
        long n = config.number(INTROSPECT_BATCH, 1000);
        if (n < 1 || n > 100_000) {
            throw new ConfigException(
                    INTROSPECT_BATCH,
                    INTROSPECT_BATCH + " = " + n + " must be between 1 and"
                            + " 100000: how many introspect-client rate-limit units one instance takes from Redis at once"
                            + " (1: every introspection is decided in Redis; default 1000)");
        }
        return n;
    }

    private static String publicUrl(GatehouseConfig config) {
        String configured = config.get(PUBLIC_URL).map(String::strip).orElse("");
        if (configured.isEmpty()) {
            HttpSettings http = HttpSettings.fromConfig(config);
            String host = switch (http.host()) {
                case "127.0.0.1", "0.0.0.0", "::", "::1", "localhost" -> "localhost";
                default -> http.host().contains(":") ? "[" + http.host() + "]" : http.host();
            };
            return "http://" + host + ":" + http.port();
        }
        URI uri;
        try {
            uri = URI.create(configured);
        } catch (IllegalArgumentException e) {
            throw bad(configured);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getQuery() != null
                || uri.getFragment() != null
                || configured.endsWith("/")) {
            throw bad(configured);
        }
        return configured;
    }

    private static ConfigException bad(String value) {
        return new ConfigException(
                PUBLIC_URL,
                PUBLIC_URL + " = '" + value + "' must be an absolute http(s) URL"
                        + " without query, fragment or trailing slash, such as https://auth.example.com; it becomes the"
                        + " token issuer and the base of the discovery document's endpoints");
    }
}
